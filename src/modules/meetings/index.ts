import { createRouter } from "../../platform/hono";

/** meetings: one register…() call per endpoint. */
export const meetingsRouter = createRouter();
