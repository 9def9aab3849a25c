import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { IntegrationRecordCountSchema, RecordsetSlugParam } from "../schemas";
import { countIntegrationRecords } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/integration-records/{recordset_slug}/count",
  tags: ["Integration Records"],
  summary: "Get the total count of records in the staging table.",
  description: "Exact count of the integration recordset's staging rows. Needs can_view on the recordset.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetSlugParam },
  responses: { 200: json(IntegrationRecordCountSchema, "The count"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await countIntegrationRecords(c.var.ctx, c.req.valid("param").recordset_slug), 200);

export const registerCountIntegrationRecords = (r: Router) => r.openapi(route, handler);
