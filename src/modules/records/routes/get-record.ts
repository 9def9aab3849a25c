import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordIdParam, RecordSchema } from "../schemas";
import { getRecord } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/records/{record_id}",
  tags: ["Records"],
  summary: "Get a specific record by ID.",
  description: "Needs can_view on the parent recordset (404 otherwise, and for deleted records).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordIdParam },
  responses: { 200: json(RecordSchema, "The record"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getRecord(c.var.ctx, c.req.valid("param").record_id), 200);

export const registerGetRecord = (r: Router) => r.openapi(route, handler);
