import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ApiKeyIdParam } from "../schemas";
import { deleteApiKey } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/api-keys/{api_key_id}",
  tags: ["API Keys"],
  summary: "Delete an API key.",
  description:
    "Permanently removes the key (use revoke to keep the record for audit). It stops working at once on this " +
    "instance and within 5 seconds everywhere else. Needs can_manage_api_keys.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ApiKeyIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404, 429) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await deleteApiKey(c.var.ctx, c.req.valid("param").api_key_id);
  return c.body(null, 204);
};

export const registerDeleteApiKey = (r: Router) => r.openapi(route, handler);
