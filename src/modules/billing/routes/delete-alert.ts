import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AlertIdParam } from "../schemas";
import { deleteAlert } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/billing/alerts/{alert_id}",
  tags: ["Billing"],
  summary: "Delete a spending alert.",
  description: "Owner or admin. Another workspace's alert → 404.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: AlertIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await deleteAlert(c.var.ctx, c.req.valid("param").alert_id);
  return c.body(null, 204);
};

export const registerDeleteAlert = (r: Router) => r.openapi(route, handler);
