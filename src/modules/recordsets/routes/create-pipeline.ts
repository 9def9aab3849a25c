import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { PipelineCreate, PipelineSchema, RecordsetIdParam } from "../schemas";
import { createPipeline } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/recordsets/{recordset_id}/pipeline",
  tags: ["Records & CRM / Recordsets"],
  summary: "Create a pipeline for a specific recordset",
  description:
    "One pipeline per recordset (409 if it has one). stage_field names a select field; its options are the stages (stage display settings optional). Needs admin rights on the recordset.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetIdParam, body: jsonBody(PipelineCreate) },
  responses: { 201: json(PipelineSchema, "The pipeline"), ...errorResponses(401, 403, 409, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await createPipeline(c.var.ctx, c.req.valid("param").recordset_id, c.req.valid("json")), 201);

export const registerCreateRecordsetPipeline = (r: Router) => r.openapi(route, handler);
