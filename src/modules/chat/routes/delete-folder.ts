import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { FolderIdParam } from "../schemas";
import { deleteFolder } from "../service/folders";

const route = createRoute({
  method: "delete",
  path: "/api/v1/chat/folders/{folder_id}",
  tags: ["Chat"],
  summary: "Delete a folder",
  description: "Conversations in this folder stay, with folder_id set to null.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: FolderIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await deleteFolder(c.var.ctx, c.req.valid("param").folder_id);
  return c.body(null, 204);
};

export const registerDeleteFolder = (r: Router) => r.openapi(route, handler);
