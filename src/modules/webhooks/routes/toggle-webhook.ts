import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { WebhookIdParam, WebhookSchema } from "../schemas";
import { toggleWebhook } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/webhooks/{webhook_id}/toggle",
  tags: ["Webhooks"],
  summary: "Toggle webhook active status (enable/disable).",
  description:
    "Flips is_active. An endpoint disabled after 5 days of failures comes back with a fresh failure clock. Needs can_manage_webhooks.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: WebhookIdParam },
  responses: { 200: json(WebhookSchema, "The updated webhook"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await toggleWebhook(c.var.ctx, c.req.valid("param").webhook_id), 200);

export const registerToggleWebhook = (r: Router) => r.openapi(route, handler);
