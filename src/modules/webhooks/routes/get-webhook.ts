import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { WebhookIdParam, WebhookSchema } from "../schemas";
import { getWebhook } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/webhooks/{webhook_id}",
  tags: ["Webhooks"],
  summary: "Get a specific webhook by ID.",
  description: "The secret is masked. Needs can_manage_webhooks.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: WebhookIdParam },
  responses: { 200: json(WebhookSchema, "The webhook"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getWebhook(c.var.ctx, c.req.valid("param").webhook_id), 200);

export const registerGetWebhook = (r: Router) => r.openapi(route, handler);
