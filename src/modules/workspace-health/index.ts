import { createRouter } from "../../platform/hono";

/** workspace-health: one register…() call per endpoint. */
export const workspaceHealthRouter = createRouter();
