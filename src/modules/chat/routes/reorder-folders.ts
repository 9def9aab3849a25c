import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChatFolderReorder, ChatFolderSchema } from "../schemas";
import { reorderFolders } from "../service/folders";

const route = createRoute({
  method: "post",
  path: "/api/v1/chat/folders/reorder",
  tags: ["Chat"],
  summary: "Reorder folders by providing list of folder IDs in desired order",
  description:
    "folder_ids must list each of your folders exactly once (422 otherwise, nothing changed). Returns the folders in the new order.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(ChatFolderReorder) },
  responses: { 200: json(z.array(ChatFolderSchema), "Folders in their new order"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await reorderFolders(c.var.ctx, c.req.valid("json")), 200);

export const registerReorderFolders = (r: Router) => r.openapi(route, handler);
