import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { GenerateTitleResponseSchema, SuggestTitleQuery } from "../schemas";
import { suggestTitle } from "../service/assist";

const route = createRoute({
  method: "get",
  path: "/api/v1/chat/suggest-title",
  tags: ["Chat"],
  summary: "Generate a concise, topic-based title for a chat conversation.",
  description: "From the conversation's first message (?message=): a 3–6 word title. One AI call (credits apply). Needs can_use_ai.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: SuggestTitleQuery },
  responses: { 200: json(GenerateTitleResponseSchema, "The title"), ...errorResponses(401, 402, 403, 404, 502, 504) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await suggestTitle(c.var.ctx, c.req.valid("query")), 200);

export const registerSuggestTitle = (r: Router) => r.openapi(route, handler);
