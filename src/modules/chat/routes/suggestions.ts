import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { PromptSuggestionsResponseSchema, SuggestionsQuery } from "../schemas";
import { promptSuggestions } from "../service/assist";

const route = createRoute({
  method: "get",
  path: "/api/v1/chat/suggestions",
  tags: ["Chat"],
  summary: "Generate 4 personalized chat prompt suggestions based on the user's business data.",
  description:
    "Generated from your open tasks, channels, goals and data sets (what you can see) once per UTC day and cached; later " +
    "requests that day return the cached ones (cached: true). force_refresh=true generates again (an AI call; credits apply). " +
    "Needs can_use_ai.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: SuggestionsQuery },
  responses: { 200: json(PromptSuggestionsResponseSchema, "Suggestions"), ...errorResponses(401, 402, 403, 404, 502, 504) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await promptSuggestions(c.var.ctx, c.req.valid("query").force_refresh), 200);

export const registerSuggestions = (r: Router) => r.openapi(route, handler);
