import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DismissQuery, RecordIdParam, RecordSchema } from "../schemas";
import { dismissRecord } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/records/{record_id}/dismiss",
  tags: ["Records"],
  summary: "Dismiss (soft remove) a record from a specific tool view.",
  description: "The record stays; lists with tool=<tool> no longer show it. Needs the edit rule on the record.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordIdParam, query: DismissQuery },
  responses: { 200: json(RecordSchema, "The record"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await dismissRecord(c.var.ctx, c.req.valid("param").record_id, c.req.valid("query").tool), 200);

export const registerDismissRecord = (r: Router) => r.openapi(route, handler);
