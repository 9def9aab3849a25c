import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { CountWebhooksQuery } from "../schemas";
import { countWebhooks } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/webhooks/count",
  tags: ["Webhooks"],
  summary: "Get total count of webhooks.",
  description: "`is_active` filters. Needs can_manage_webhooks.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: CountWebhooksQuery },
  responses: { 200: json(z.object({ count: z.number().int() }), "The count"), ...errorResponses(401, 403, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await countWebhooks(c.var.ctx, c.req.valid("query")), 200);

export const registerCountWebhooks = (r: Router) => r.openapi(route, handler);
