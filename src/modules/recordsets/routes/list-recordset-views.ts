import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordsetSlugParam, RecordsetViewSchema } from "../schemas";
import { listRecordsetViews } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/recordsets/{recordset_slug}/views",
  tags: ["Records & CRM / Recordsets"],
  summary: "List all views for a recordset",
  description: "The default view first, then by creation. can_view.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetSlugParam },
  responses: { 200: json(z.array(RecordsetViewSchema), "Views"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listRecordsetViews(c.var.ctx, c.req.valid("param").recordset_slug), 200);

export const registerListRecordsetViews = (r: Router) => r.openapi(route, handler);
