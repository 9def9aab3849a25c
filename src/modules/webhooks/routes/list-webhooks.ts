import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ListWebhooksQuery, WebhookSchema } from "../schemas";
import { listWebhooks } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/webhooks",
  tags: ["Webhooks"],
  summary: "List all webhooks for the current company.",
  description: "Paged with skip/limit (at most 100), newest first; `is_active` filters. Secrets are masked. Needs can_manage_webhooks.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListWebhooksQuery },
  responses: { 200: json(z.array(WebhookSchema), "Webhooks"), ...errorResponses(401, 403, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listWebhooks(c.var.ctx, c.req.valid("query")), 200);

export const registerListWebhooks = (r: Router) => r.openapi(route, handler);
