import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { SetupIntentSchema } from "../schemas";
import { createSetupIntent } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/billing/setup-intent",
  tags: ["Billing"],
  summary: "Create a Setup Intent for custom payment form integration.",
  description:
    "Owner or admin. Returns client_secret for Stripe.js confirmSetup(); then POST /billing/subscription with the setup_intent_id.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(SetupIntentSchema, "Setup intent"), ...errorResponses(401, 403, 502) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createSetupIntent(c.var.ctx), 200);

export const registerCreateSetupIntent = (r: Router) => r.openapi(route, handler);
