import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChatFileSchema, ConversationIdParam } from "../schemas";
import { listConversationFiles } from "../service/files";

const route = createRoute({
  method: "get",
  path: "/api/v1/chat/conversations/{conversation_id}/files",
  tags: ["Chat"],
  summary: "List all files attached to a conversation with refreshed signed URLs.",
  description: "Newest first; every file with a fresh signed URL valid for 1 hour.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ConversationIdParam },
  responses: { 200: json(z.array(ChatFileSchema), "Files"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listConversationFiles(c.var.ctx, c.req.valid("param").conversation_id), 200);

export const registerListConversationFiles = (r: Router) => r.openapi(route, handler);
