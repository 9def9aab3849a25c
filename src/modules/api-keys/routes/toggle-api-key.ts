import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ApiKeyIdParam, ApiKeySchema } from "../schemas";
import { toggleApiKey } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/api-keys/{api_key_id}/toggle",
  tags: ["API Keys"],
  summary: "Toggle API key active status (enable/disable).",
  description:
    "Disables an enabled key or enables a disabled one, without revoking it. A revoked key cannot be enabled " +
    "(409). Needs can_manage_api_keys.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ApiKeyIdParam },
  responses: { 200: json(ApiKeySchema, "The updated key"), ...errorResponses(401, 403, 404, 409, 429) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await toggleApiKey(c.var.ctx, c.req.valid("param").api_key_id), 200);

export const registerToggleApiKey = (r: Router) => r.openapi(route, handler);
