import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { CreatedRecordsetsSchema, IntegrationIdParam } from "../schemas";
import { createIntegrationRecordsets } from "../service/recordsets";

const route = createRoute({
  method: "post",
  path: "/api/v1/integrations/{integration_id}/create-recordsets",
  tags: ["Integrations & Data / Integrations"],
  summary: "Create virtual recordsets for an integration.",
  description:
    "One read-only recordset per synced entity (is_integration, staging_table), no data copied: read them with /api/v1/integration-records/{slug}. Existing ones are updated, not duplicated. Needs can_manage_integration.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: IntegrationIdParam },
  responses: { 200: json(CreatedRecordsetsSchema, "The recordsets"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await createIntegrationRecordsets(c.var.ctx, c.req.valid("param").integration_id), 200);

export const registerCreateRecordsets = (r: Router) => r.openapi(route, handler);
