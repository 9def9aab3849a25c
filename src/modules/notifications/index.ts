import { createRouter } from "../../platform/hono";

/** notifications: one register…() call per endpoint. */
export const notificationsRouter = createRouter();
