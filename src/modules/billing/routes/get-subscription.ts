import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { SubscriptionSchema } from "../schemas";
import { getSubscription } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/billing/subscription",
  tags: ["Billing"],
  summary: "Get current subscription status for workspace.",
  description:
    "Owner or admin. Syncs the subscription from Stripe first (webhooks may have been missed): 502 when Stripe cannot be reached. Tier, status, period, trial, scheduled change.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(SubscriptionSchema, "Subscription"), ...errorResponses(401, 403, 502) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getSubscription(c.var.ctx), 200);

export const registerGetSubscription = (r: Router) => r.openapi(route, handler);
