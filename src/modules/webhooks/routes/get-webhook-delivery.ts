import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DeliveryDetailSchema, DeliveryIdParam } from "../schemas";
import { getDelivery } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}",
  tags: ["Webhooks"],
  summary: "Get one delivery with its attempts.",
  description:
    "The payload sent (null when the caller may not see the event itself) and every attempt: status code, latency, the first kilobyte of the answer, transport error. Needs can_manage_webhooks.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: DeliveryIdParam },
  responses: { 200: json(DeliveryDetailSchema, "The delivery"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await getDelivery(c.var.ctx, c.req.valid("param").webhook_id, c.req.valid("param").delivery_id), 200);

export const registerGetWebhookDelivery = (r: Router) => r.openapi(route, handler);
