import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChatMessageSchema, ConversationIdParam, ListMessagesQuery } from "../schemas";
import { listMessages } from "../service/conversations";

const route = createRoute({
  method: "get",
  path: "/api/v1/chat/conversations/{conversation_id}/messages",
  tags: ["Chat"],
  summary: "Get messages for a conversation",
  description: "Only your own conversations. Oldest first; skip/limit (at most 200).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ConversationIdParam, query: ListMessagesQuery },
  responses: { 200: json(z.array(ChatMessageSchema), "Messages"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listMessages(c.var.ctx, c.req.valid("param").conversation_id, c.req.valid("query")), 200);

export const registerListMessages = (r: Router) => r.openapi(route, handler);
