import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { IntegrationRecordParams, IntegrationRecordSchema } from "../schemas";
import { getIntegrationRecord } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/integration-records/{recordset_slug}/{record_id}",
  tags: ["Integration Records"],
  summary: "Get a single record from the staging table.",
  description: "One staging row by its id or its external id in the integration. Needs can_view on the recordset.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: IntegrationRecordParams },
  responses: { 200: json(IntegrationRecordSchema, "The row"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const p = c.req.valid("param");
  return c.json(await getIntegrationRecord(c.var.ctx, p.recordset_slug, p.record_id), 200);
};

export const registerGetIntegrationRecord = (r: Router) => r.openapi(route, handler);
