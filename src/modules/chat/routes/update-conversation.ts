import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChatConversationSchema, ChatConversationUpdate, ConversationIdParam } from "../schemas";
import { updateConversation } from "../service/conversations";

const route = createRoute({
  method: "put",
  path: "/api/v1/chat/conversations/{conversation_id}",
  tags: ["Chat"],
  summary: "Update conversation",
  description: "Only the owner. Title, model, system prompt, folder (null: none), pinned, archived; fields left out stay.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ConversationIdParam, body: jsonBody(ChatConversationUpdate) },
  responses: { 200: json(ChatConversationSchema, "Updated"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateConversation(c.var.ctx, c.req.valid("param").conversation_id, c.req.valid("json")), 200);

export const registerUpdateConversation = (r: Router) => r.openapi(route, handler);
