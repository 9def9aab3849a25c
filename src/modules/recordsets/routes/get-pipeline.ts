import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { PipelineSchema, RecordsetIdParam } from "../schemas";
import { getPipeline } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/recordsets/{recordset_id}/pipeline",
  tags: ["Records & CRM / Recordsets"],
  summary: "Get the pipeline associated with a recordset",
  description:
    "Stages are the options of the pipeline's select field, in order, with their display settings and record counts. The recordset is given by id (or slug); can_view. 404 when the recordset has no pipeline.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetIdParam },
  responses: { 200: json(PipelineSchema, "The pipeline"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getPipeline(c.var.ctx, c.req.valid("param").recordset_id), 200);

export const registerGetRecordsetPipeline = (r: Router) => r.openapi(route, handler);
