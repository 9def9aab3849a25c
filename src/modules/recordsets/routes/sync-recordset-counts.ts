import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { SyncCountsSchema } from "../schemas";
import { syncRecordCounts } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/crud/recordsets/sync-counts",
  tags: ["Records & CRM / CRUD - Recordsets"],
  summary: "Sync all recordset record counts using a single bulk UPDATE",
  description:
    "Recounts the records (not deleted) of every recordset in one UPDATE \u2026 FROM statement and fixes the stored counters that drifted. Workspace admins and owners.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(SyncCountsSchema, "Counts checked and fixed"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await syncRecordCounts(c.var.ctx), 200);

export const registerSyncRecordsetCounts = (r: Router) => r.openapi(route, handler);
