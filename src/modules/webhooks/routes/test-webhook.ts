import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { WebhookIdParam, WebhookTestBody, WebhookTestResult } from "../schemas";
import { testWebhook } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/webhooks/{webhook_id}/test",
  tags: ["Webhooks"],
  summary: "Test a webhook by sending a test payload.",
  description:
    "One signed POST now (15 s timeout, redirects not followed), answered here and logged as a delivery; never retried. `event` names a catalogue event type (default webhook.test), `payload` the data to send. Needs can_manage_webhooks.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: WebhookIdParam, body: jsonBody(WebhookTestBody) },
  responses: { 200: json(WebhookTestResult, "What the receiver answered"), ...errorResponses(401, 403, 404, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await testWebhook(c.var.ctx, c.req.valid("param").webhook_id, c.req.valid("json")), 200);

export const registerTestWebhook = (r: Router) => r.openapi(route, handler);
