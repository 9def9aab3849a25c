import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChatConversationDetailSchema, ConversationIdParam } from "../schemas";
import { getConversation } from "../service/conversations";

const route = createRoute({
  method: "get",
  path: "/api/v1/chat/conversations/{conversation_id}",
  tags: ["Chat"],
  summary: "Get conversation with messages",
  description: "Only your own conversations (another member's is a 404). Messages oldest first, with tool calls and results.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ConversationIdParam },
  responses: { 200: json(ChatConversationDetailSchema, "The conversation"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await getConversation(c.var.ctx, c.req.valid("param").conversation_id), 200);

export const registerGetConversation = (r: Router) => r.openapi(route, handler);
