import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChatFolderSchema } from "../schemas";
import { listFolders } from "../service/folders";

const route = createRoute({
  method: "get",
  path: "/api/v1/chat/folders",
  tags: ["Chat"],
  summary: "List member's chat folders with conversation counts",
  description: "Your folders in their order (position), each with the number of its conversations that are not archived.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(z.array(ChatFolderSchema), "Folders"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listFolders(c.var.ctx), 200);

export const registerListFolders = (r: Router) => r.openapi(route, handler);
