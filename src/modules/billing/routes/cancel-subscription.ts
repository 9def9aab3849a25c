import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { CancelBody, SubscriptionActionSchema } from "../schemas";
import { cancelSubscription } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/billing/cancel",
  tags: ["Billing"],
  summary: "Cancel subscription.",
  description:
    "Owner or admin. At the period end by default (access until then); `cancel_immediately: true` ends it now. 409 without a live subscription or when already canceling.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: { required: false, content: { "application/json": { schema: CancelBody } } } },
  responses: { 200: json(SubscriptionActionSchema, "Canceled"), ...errorResponses(401, 403, 409, 502) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await cancelSubscription(c.var.ctx, c.req.valid("json") ?? {}), 200);

export const registerCancelSubscription = (r: Router) => r.openapi(route, handler);
