import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DeliverySchema, ListDeliveriesQuery, WebhookIdParam } from "../schemas";
import { listDeliveries } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/webhooks/{webhook_id}/deliveries",
  tags: ["Webhooks"],
  summary: "List a webhook's deliveries.",
  description:
    "The delivery log, newest first: status (pending, delivering, succeeded, dead), attempts, next attempt, last answer. Filters: status, event_type, since. Needs can_manage_webhooks.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: WebhookIdParam, query: ListDeliveriesQuery },
  responses: {
    200: json(
      z.object({ items: z.array(DeliverySchema), total: z.number().int(), skip: z.number().int(), limit: z.number().int() }),
      "One page of deliveries",
    ),
    ...errorResponses(401, 403, 404, 422),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listDeliveries(c.var.ctx, c.req.valid("param").webhook_id, c.req.valid("query")), 200);

export const registerListWebhookDeliveries = (r: Router) => r.openapi(route, handler);
