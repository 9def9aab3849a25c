import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { WebhookIdParam, WebhookSchema, WebhookUpdate } from "../schemas";
import { updateWebhook } from "../service";

const route = createRoute({
  method: "put",
  path: "/api/v1/webhooks/{webhook_id}",
  tags: ["Webhooks"],
  summary: "Update a webhook.",
  description:
    "Only the fields sent change; URL and events are checked as on create. Changing the URL or the events makes the caller the member the endpoint acts as (it then gets only what the caller may see). Re-activating restarts the failure clock. Needs can_manage_webhooks.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: WebhookIdParam, body: jsonBody(WebhookUpdate) },
  responses: { 200: json(WebhookSchema, "The updated webhook"), ...errorResponses(401, 403, 404, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateWebhook(c.var.ctx, c.req.valid("param").webhook_id, c.req.valid("json")), 200);

export const registerUpdateWebhook = (r: Router) => r.openapi(route, handler);
