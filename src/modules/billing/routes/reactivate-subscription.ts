import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { SubscriptionActionSchema } from "../schemas";
import { reactivateSubscription } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/billing/reactivate",
  tags: ["Billing"],
  summary: "Reactivate a subscription that was set to cancel at period end.",
  description: "Owner or admin. 409 unless the subscription is set to cancel and has not ended.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(SubscriptionActionSchema, "Reactivated"), ...errorResponses(401, 403, 409, 502) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await reactivateSubscription(c.var.ctx), 200);

export const registerReactivateSubscription = (r: Router) => r.openapi(route, handler);
