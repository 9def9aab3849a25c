import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChatSearchRequest, ChatSearchResponseSchema } from "../schemas";
import { searchWorkspace } from "../service/search";

const route = createRoute({
  method: "post",
  path: "/api/v1/chat/search",
  tags: ["Chat"],
  summary: "Search workspace business data using semantic search.",
  description:
    "What the chat's search_workspace tool runs: a case-insensitive match across tasks, goals, channels, channel messages and " +
    "records (types limits the sources), each source with its own visibility rules — you find only what you may see. " +
    "limit is per source (at most 50). Needs can_use_ai.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(ChatSearchRequest) },
  responses: { 200: json(ChatSearchResponseSchema, "Matches"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await searchWorkspace(c.var.ctx, c.req.valid("json")), 200);

export const registerSearch = (r: Router) => r.openapi(route, handler);
