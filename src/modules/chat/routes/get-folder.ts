import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChatFolderSchema, FolderIdParam } from "../schemas";
import { getFolder } from "../service/folders";

const route = createRoute({
  method: "get",
  path: "/api/v1/chat/folders/{folder_id}",
  tags: ["Chat"],
  summary: "Get a specific folder",
  description: "One of your folders, with its conversation count.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: FolderIdParam },
  responses: { 200: json(ChatFolderSchema, "The folder"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getFolder(c.var.ctx, c.req.valid("param").folder_id), 200);

export const registerGetFolder = (r: Router) => r.openapi(route, handler);
