import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChatMessageCreate, ChatMessageSchema, ConversationIdParam } from "../schemas";
import { addMessage } from "../service/conversations";

const route = createRoute({
  method: "post",
  path: "/api/v1/chat/conversations/{conversation_id}/messages",
  tags: ["Chat"],
  summary: "Add a message to a conversation.",
  description: "Saves a message as given, without calling a model (image generation results and other non-streaming messages).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ConversationIdParam, body: jsonBody(ChatMessageCreate) },
  responses: { 200: json(ChatMessageSchema, "Saved"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await addMessage(c.var.ctx, c.req.valid("param").conversation_id, c.req.valid("json")), 200);

export const registerAddMessage = (r: Router) => r.openapi(route, handler);
