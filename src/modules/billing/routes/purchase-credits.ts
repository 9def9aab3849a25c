import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { PurchaseCreditsBody, PurchaseResultSchema } from "../schemas";
import { purchaseCredits } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/billing/credits/purchase",
  tags: ["Billing"],
  summary: "Buy AI credits now.",
  description:
    "Owner or admin. With a saved card (`payment_method_id` of this workspace, else the default) the credits land at once (1 credit = 1 cent); a declined card → 402. Without a saved card: a Checkout URL for the pack of that size (1000, 5000, 20000).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(PurchaseCreditsBody) },
  responses: { 200: json(PurchaseResultSchema, "Purchased, or Checkout needed"), ...errorResponses(401, 402, 403, 404, 502) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await purchaseCredits(c.var.ctx, c.req.valid("json")), 200);

export const registerPurchaseCredits = (r: Router) => r.openapi(route, handler);
