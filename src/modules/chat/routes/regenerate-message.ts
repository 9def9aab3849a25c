import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChatRegenerateRequest, ChatStreamDoc, MessageIdParam } from "../schemas";
import { regenerateMessage } from "../service/send";

const route = createRoute({
  method: "post",
  path: "/api/v1/chat/messages/{message_id}/regenerate",
  tags: ["Chat"],
  summary: "Regenerate an AI message",
  description:
    "A new reply to what came before this assistant message (yours only; 409 for other roles). When the new reply is saved it " +
    "replaces the message, and messages after it are removed; the final event carries replaced_message_id. Body optional " +
    "(model, use_tools). " +
    ChatStreamDoc,
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: {
    headers: WorkspaceHeaderSchema,
    params: MessageIdParam,
    body: { required: false, content: { "application/json": { schema: ChatRegenerateRequest } } },
  },
  responses: {
    200: { description: "SSE stream", content: { "text/event-stream": { schema: z.string() } } },
    ...errorResponses(401, 402, 403, 404, 409, 413, 502, 504),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  regenerateMessage(c.var.ctx, c.req.valid("param").message_id, c.req.valid("json") ?? { use_tools: true }, c.req.raw.signal);

export const registerRegenerateMessage = (r: Router) => r.openapi(route, handler);
