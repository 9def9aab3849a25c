import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { TrashListSchema, TrashQuery } from "../schemas";
import { listTrash } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/recordsets/trash",
  tags: ["Records & CRM / Recordsets"],
  summary: "List all soft-deleted (trashed) recordsets",
  description:
    "Most recently deleted first, with purge_at: the cron deletes them for good 30 days after deletion. Workspace admins and owners only.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: TrashQuery },
  responses: { 200: json(TrashListSchema, "Trashed recordsets"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listTrash(c.var.ctx, c.req.valid("query")), 200);

export const registerListRecordsetTrash = (r: Router) => r.openapi(route, handler);
