import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { InsightActionBody, InsightIdParam, InsightSchema, optionalJsonBody } from "../schemas";
import { markInsightActioned } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/tracking/insights/{insight_id}/action-taken",
  tags: ["Record Tracking"],
  summary: "Mark action taken on an insight",
  description:
    "Sets the insight to actioned (optional note). Acting on an actioned insight again changes nothing; a dismissed one can still be acted on. Needs edit access to the record (can_edit, or can_edit_own on a record you created).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: InsightIdParam, body: optionalJsonBody(InsightActionBody) },
  responses: { 200: json(InsightSchema, "The insight"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await markInsightActioned(c.var.ctx, c.req.valid("param").insight_id, c.req.valid("json")), 200);

export const registerMarkInsightActioned = (r: Router) => r.openapi(route, handler);
