import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ConversationIdParam } from "../schemas";
import { deleteConversation } from "../service/conversations";

const route = createRoute({
  method: "delete",
  path: "/api/v1/chat/conversations/{conversation_id}",
  tags: ["Chat"],
  summary: "Delete conversation",
  description: "Only the owner. Its messages and files (R2 objects included) go with it.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ConversationIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await deleteConversation(c.var.ctx, c.req.valid("param").conversation_id);
  return c.body(null, 204);
};

export const registerDeleteConversation = (r: Router) => r.openapi(route, handler);
