import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChatFolderCreate, ChatFolderSchema } from "../schemas";
import { createFolder } from "../service/folders";

const route = createRoute({
  method: "post",
  path: "/api/v1/chat/folders",
  tags: ["Chat"],
  summary: "Create a new chat folder",
  description: "A folder of your own, placed after your existing folders.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(ChatFolderCreate) },
  responses: { 201: json(ChatFolderSchema, "Created"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createFolder(c.var.ctx, c.req.valid("json")), 201);

export const registerCreateFolder = (r: Router) => r.openapi(route, handler);
