import { createRouter } from "../../platform/hono";
import { registerCreateWorkspace } from "./routes/create-workspace";
import { registerGetWorkspace } from "./routes/get-workspace";
import { registerListWorkspaces } from "./routes/list-workspaces";

/** Workspaces (minimum for sign-in; the full group lands with the access-model issue). */
export const workspacesRouter = createRouter();
registerListWorkspaces(workspacesRouter);
registerCreateWorkspace(workspacesRouter);
registerGetWorkspace(workspacesRouter);
