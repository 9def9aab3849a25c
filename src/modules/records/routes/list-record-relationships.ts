import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordIdParam, RelationshipSchema } from "../schemas";
import { listRecordRelationships } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/records/{record_id}/relationships",
  tags: ["Records"],
  summary: "List all relationships for a record",
  description: "Both directions: outgoing (this record is the source) and incoming. Related records you cannot see are left out.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordIdParam },
  responses: { 200: json(z.array(RelationshipSchema), "Relationships"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listRecordRelationships(c.var.ctx, c.req.valid("param").record_id), 200);

export const registerListRecordRelationships = (r: Router) => r.openapi(route, handler);
