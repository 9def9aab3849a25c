import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ListRecordsetsQuery, RecordsetListSchema } from "../schemas";
import { listRecordsets } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/recordsets",
  tags: ["Records & CRM / Recordsets"],
  summary: "List all recordsets the current user has access to",
  description:
    "Workspace owners and admins (and holders of can_manage_recordset) see every recordset; others see the ones they created and the ones granted to them directly or through a team. Ordered by name; page/page_size (at most 100). is_active=false lists trashed ones (workspace admins and owners only). record_count is the stored exact count.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListRecordsetsQuery },
  responses: { 200: json(RecordsetListSchema, "Recordsets"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listRecordsets(c.var.ctx, c.req.valid("query")), 200);

export const registerListRecordsets = (r: Router) => r.openapi(route, handler);
