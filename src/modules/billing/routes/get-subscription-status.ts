import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { SubscriptionStatusSchema } from "../schemas";
import { subscriptionStatus } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/billing/subscription/status",
  tags: ["Billing"],
  summary: "Lightweight subscription status check.",
  description: "Local state only (cached, no Stripe call): is_active, requires_payment and a message. Any member; for page loads.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(SubscriptionStatusSchema, "Status"), ...errorResponses(401) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await subscriptionStatus(c.var.ctx), 200);

export const registerGetSubscriptionStatus = (r: Router) => r.openapi(route, handler);
