import { createRouter } from "../../platform/hono";

/** goals: one register…() call per endpoint. */
export const goalsRouter = createRouter();
