import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { HistoryQuery, RecordHistorySchema, RecordIdParam } from "../schemas";
import { listRecordHistory } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/records/{record_id}/history",
  tags: ["Records"],
  summary: "List version history for a record with user info",
  description:
    "Every version, newest first: the values as they were, the fields changed from the version before, who (member info) and when.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordIdParam, query: HistoryQuery },
  responses: { 200: json(RecordHistorySchema, "Versions"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listRecordHistory(c.var.ctx, c.req.valid("param").record_id, c.req.valid("query")), 200);

export const registerListRecordHistory = (r: Router) => r.openapi(route, handler);
