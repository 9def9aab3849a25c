import { createRouter } from "../../platform/hono";

/** Permissions: one register…() call per endpoint. */
export const permissionsRouter = createRouter();
