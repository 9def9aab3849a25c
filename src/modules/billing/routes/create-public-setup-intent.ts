import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json } from "../../../platform/openapi";
import { SetupIntentSchema } from "../schemas";
import { createPublicSetupIntent } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/billing/public/setup-intent",
  tags: ["Billing"],
  summary: "Create a Setup Intent for the public signup flow.",
  description:
    "No authentication (rate limited per IP like signup). Collects a card before the account exists; pass the resulting " +
    "payment method to signup as payment_method_id. The intent belongs to no customer and can charge nothing.",
  middleware: [limitByIp("signup")] as const,
  responses: { 200: json(SetupIntentSchema, "Setup intent"), ...errorResponses(429, 502) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createPublicSetupIntent(c.var.ctx), 200);

export const registerCreatePublicSetupIntent = (r: Router) => r.openapi(route, handler);
