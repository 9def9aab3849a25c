import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChatFolderSchema, FolderIdParam } from "../schemas";
import { toggleFolderCollapse } from "../service/folders";

const route = createRoute({
  method: "post",
  path: "/api/v1/chat/folders/{folder_id}/toggle-collapse",
  tags: ["Chat"],
  summary: "Toggle folder collapse state",
  description: "Flips is_collapsed of one of your folders.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: FolderIdParam },
  responses: { 200: json(ChatFolderSchema, "The folder"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await toggleFolderCollapse(c.var.ctx, c.req.valid("param").folder_id), 200);

export const registerToggleFolderCollapse = (r: Router) => r.openapi(route, handler);
