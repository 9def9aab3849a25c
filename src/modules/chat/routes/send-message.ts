import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChatSendRequest, ChatStreamDoc } from "../schemas";
import { sendChatMessage } from "../service/send";

const route = createRoute({
  method: "post",
  path: "/api/v1/chat",
  tags: ["Chat"],
  summary: "Send a chat message and get AI response (streaming)",
  description:
    "Continues conversation_id (yours) or creates a conversation (title from the message). Conversations with an AI employee " +
    "(agent_id) run its tool loop; others may search the workspace (search_workspace tool). file_ids attach files uploaded to " +
    "the conversation (their text goes to the model). Model, credits (402) and input are checked before streaming starts. " +
    ChatStreamDoc,
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(ChatSendRequest) },
  responses: {
    200: { description: "SSE stream", content: { "text/event-stream": { schema: z.string() } } },
    ...errorResponses(401, 402, 403, 404, 409, 413, 502, 504),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => sendChatMessage(c.var.ctx, c.req.valid("json"), c.req.raw.signal);

export const registerSendMessage = (r: Router) => r.openapi(route, handler);
