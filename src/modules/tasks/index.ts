import { createRouter } from "../../platform/hono";

/** tasks: one register…() call per endpoint. */
export const tasksRouter = createRouter();
