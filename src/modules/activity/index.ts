import { createRouter } from "../../platform/hono";

/** activity: one register…() call per endpoint. */
export const activityRouter = createRouter();
