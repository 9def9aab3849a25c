import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordIdParam, RelationshipCreate, RelationshipSchema } from "../schemas";
import { createRecordRelationship } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/records/{record_id}/relationships",
  tags: ["Records"],
  summary: "Create a relationship between records",
  description:
    "Needs the edit rule on this record and view on the target (422 when the target is not found). The same pair and type twice is a 409.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordIdParam, body: jsonBody(RelationshipCreate) },
  responses: { 201: json(RelationshipSchema, "The relationship"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await createRecordRelationship(c.var.ctx, c.req.valid("param").record_id, c.req.valid("json")), 201);

export const registerCreateRecordRelationship = (r: Router) => r.openapi(route, handler);
