import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { FollowUpsRequest, FollowUpsSchema, optionalJsonBody, RecordsetIdParam } from "../schemas";
import { suggestFollowUps } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/tracking/{recordset_id}/follow-ups",
  tags: ["Record Tracking"],
  summary: "Generate AI follow-up suggestions for a recordset",
  description:
    "Candidates are chosen in SQL (active records not contacted for days_without_contact days, default 14, or with overdue tasks; at most 40, most neglected first); the model picks up to limit (default 10) with a reason, action, channel and priority. Suggestions for other records are dropped. Nothing stored; no candidates = no model call. Needs can_view and can_use_ai.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetIdParam, body: optionalJsonBody(FollowUpsRequest) },
  responses: { 200: json(FollowUpsSchema, "The suggestions"), ...errorResponses(401, 402, 403, 404, 502, 504) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await suggestFollowUps(c.var.ctx, c.req.valid("param").recordset_id, c.req.valid("json")), 200);

export const registerSuggestFollowUps = (r: Router) => r.openapi(route, handler);
