import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { PortalQuery, PortalSchema } from "../schemas";
import { customerPortal } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/billing/customer-portal",
  tags: ["Billing"],
  summary: "Get URL to Stripe Billing Portal.",
  description:
    "Owner or admin. The portal updates the payment method, lists invoices and cancels. Without a subscription, a Checkout URL for `tier` (default starter) instead (`type: checkout`). `return_url` must be a page of the app.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: PortalQuery },
  responses: { 200: json(PortalSchema, "Portal or Checkout URL"), ...errorResponses(401, 403, 502) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await customerPortal(c.var.ctx, c.req.valid("query")), 200);

export const registerGetCustomerPortal = (r: Router) => r.openapi(route, handler);
