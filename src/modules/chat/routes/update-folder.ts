import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChatFolderSchema, ChatFolderUpdate, FolderIdParam } from "../schemas";
import { updateFolder } from "../service/folders";

const route = createRoute({
  method: "put",
  path: "/api/v1/chat/folders/{folder_id}",
  tags: ["Chat"],
  summary: "Update a folder",
  description: "Name, color, icon, is_collapsed; fields left out stay.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: FolderIdParam, body: jsonBody(ChatFolderUpdate) },
  responses: { 200: json(ChatFolderSchema, "Updated"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateFolder(c.var.ctx, c.req.valid("param").folder_id, c.req.valid("json")), 200);

export const registerUpdateFolder = (r: Router) => r.openapi(route, handler);
