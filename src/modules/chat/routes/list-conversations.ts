import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChatConversationSchema, ListConversationsQuery } from "../schemas";
import { listConversations } from "../service/conversations";

const route = createRoute({
  method: "get",
  path: "/api/v1/chat/conversations",
  tags: ["Chat"],
  summary: "List member's conversations",
  description:
    "Your own conversations only. Not archived by default (archived=true: only archived ones); folder_id: only that folder; " +
    "pinned_only; uncategorized: only those without a folder. Pinned first, then by last activity. skip/limit (at most 100).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListConversationsQuery },
  responses: { 200: json(z.array(ChatConversationSchema), "Conversations"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listConversations(c.var.ctx, c.req.valid("query")), 200);

export const registerListConversations = (r: Router) => r.openapi(route, handler);
