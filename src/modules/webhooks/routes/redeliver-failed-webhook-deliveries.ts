import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RedeliverFailedBody, WebhookIdParam } from "../schemas";
import { redeliverFailed } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/webhooks/{webhook_id}/redeliver-failed",
  tags: ["Webhooks"],
  summary: "Send every failed delivery since a time again.",
  description: "Queues each dead delivery created at or after `since` (at most 1,000 a call) from attempt 1. Needs can_manage_webhooks.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: WebhookIdParam, body: jsonBody(RedeliverFailedBody) },
  responses: { 202: json(z.object({ queued: z.number().int() }), "How many were queued"), ...errorResponses(401, 403, 404, 409, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await redeliverFailed(c.var.ctx, c.req.valid("param").webhook_id, c.req.valid("json").since), 202);

export const registerRedeliverFailedWebhookDeliveries = (r: Router) => r.openapi(route, handler);
