import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChatConversationCreate, ChatConversationSchema } from "../schemas";
import { createConversation } from "../service/conversations";

const route = createRoute({
  method: "post",
  path: "/api/v1/chat/conversations",
  tags: ["Chat"],
  summary: "Create a new conversation",
  description:
    "You own it. System prompt: prompt_context resolved server-side, else system_prompt as given (deprecated), else none. " +
    "folder_id must be one of your folders, model one of GET /chat/models, agent_id an AI employee (422 otherwise). Needs can_use_ai.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(ChatConversationCreate) },
  responses: { 201: json(ChatConversationSchema, "Created"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createConversation(c.var.ctx, c.req.valid("json")), 201);

export const registerCreateConversation = (r: Router) => r.openapi(route, handler);
