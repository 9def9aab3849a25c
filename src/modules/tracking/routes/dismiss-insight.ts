import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { InsightIdParam, InsightSchema } from "../schemas";
import { dismissInsight } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/tracking/insights/{insight_id}/dismiss",
  tags: ["Record Tracking"],
  summary: "Dismiss an insight",
  description:
    "Sets the insight to dismissed (hidden from the list unless include_dismissed). Idempotent; an actioned insight is a 409. Needs edit access to the record.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: InsightIdParam },
  responses: { 200: json(InsightSchema, "The insight"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await dismissInsight(c.var.ctx, c.req.valid("param").insight_id), 200);

export const registerDismissInsight = (r: Router) => r.openapi(route, handler);
