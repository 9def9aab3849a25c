import { createRouter } from "../../platform/hono";
import { registerGetWorkspaceHealth } from "./routes/get-workspace-health";
import { registerMigrationStream } from "./routes/migration-stream";
import { registerTriggerMigration } from "./routes/trigger-migration";

/**
 * Workspace Health (3 endpoints): setup flags and the tenant-schema migration. These routes
 * resolve the workspace with allowOutdatedSchema, so they keep working while others answer 503.
 */
export const workspaceHealthRouter = createRouter();
registerGetWorkspaceHealth(workspaceHealthRouter);
registerTriggerMigration(workspaceHealthRouter);
registerMigrationStream(workspaceHealthRouter);
