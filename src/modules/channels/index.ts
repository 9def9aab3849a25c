import { createRouter } from "../../platform/hono";

/** channels: one register…() call per endpoint. */
export const channelsRouter = createRouter();
