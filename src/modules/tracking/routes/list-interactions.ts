import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { InteractionPageSchema, ListInteractionsQuery, RecordIdParam } from "../schemas";
import { listInteractions } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/tracking/{record_id}/interactions",
  tags: ["Record Tracking"],
  summary: "List interactions for a record (timeline view)",
  description:
    "The record's timeline: calls, emails, meetings, notes… newest first by occurred_at; interaction_type filters (comma-separated). Needs view access. Paged with page/page_size.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordIdParam, query: ListInteractionsQuery },
  responses: { 200: json(InteractionPageSchema, "A page of interactions"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listInteractions(c.var.ctx, c.req.valid("param").record_id, c.req.valid("query")), 200);

export const registerListInteractions = (r: Router) => r.openapi(route, handler);
