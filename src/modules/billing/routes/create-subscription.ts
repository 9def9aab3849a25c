import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { CreateSubscriptionBody, SubscriptionActionSchema } from "../schemas";
import { createSubscription } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/billing/subscription",
  tags: ["Billing"],
  summary: "Create subscription after Setup Intent completion.",
  description:
    "Owner or admin. The setup intent must be this workspace's and succeeded; the subscription starts with the tier's trial when the workspace never had one. 409 when one exists.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(CreateSubscriptionBody) },
  responses: { 200: json(SubscriptionActionSchema, "Subscription created"), ...errorResponses(401, 402, 403, 404, 409, 502) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createSubscription(c.var.ctx, c.req.valid("json")), 200);

export const registerCreateSubscription = (r: Router) => r.openapi(route, handler);
