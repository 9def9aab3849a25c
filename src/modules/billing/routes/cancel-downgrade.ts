import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { SubscriptionActionSchema } from "../schemas";
import { cancelDowngrade } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/billing/cancel-downgrade",
  tags: ["Billing"],
  summary: "Cancel a pending scheduled downgrade.",
  description: "Owner or admin. Releases the subscription schedule; the current plan continues. 409 when none is scheduled.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(SubscriptionActionSchema, "Downgrade canceled"), ...errorResponses(401, 403, 409, 502) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await cancelDowngrade(c.var.ctx), 200);

export const registerCancelDowngrade = (r: Router) => r.openapi(route, handler);
