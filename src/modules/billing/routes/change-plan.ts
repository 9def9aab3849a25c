import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChangePlanBody, ChangePlanSchema } from "../schemas";
import { changePlan } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/billing/change-plan",
  tags: ["Billing"],
  summary: "Change subscription plan (upgrade or downgrade).",
  description:
    "Owner or admin. Upgrade: now, with proration (the difference is invoiced at once). Downgrade: at the period end (`is_scheduled: true`, `effective_date`). The same tier and period → 409. Without a live subscription: `requires_checkout` with a Checkout URL.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(ChangePlanBody) },
  responses: { 200: json(ChangePlanSchema, "Plan changed or scheduled"), ...errorResponses(401, 402, 403, 409, 502) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await changePlan(c.var.ctx, c.req.valid("json")), 200);

export const registerChangePlan = (r: Router) => r.openapi(route, handler);
