import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { WebhookIdParam } from "../schemas";
import { deleteWebhook } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/webhooks/{webhook_id}",
  tags: ["Webhooks"],
  summary: "Delete a webhook.",
  description: "Deletes the endpoint with its delivery log; nothing more is sent to it. Needs can_manage_webhooks.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: WebhookIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await deleteWebhook(c.var.ctx, c.req.valid("param").webhook_id);
  return c.body(null, 204);
};

export const registerDeleteWebhook = (r: Router) => r.openapi(route, handler);
