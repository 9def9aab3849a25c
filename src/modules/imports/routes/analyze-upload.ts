import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AnalyzeBody, UploadAnalysisSchema } from "../schemas";
import { analyzeUpload } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/recordsets/import/upload/analyze",
  tags: ["Recordset Import"],
  summary: "Analyze headers/types for an already-uploaded file URI.",
  description:
    "For files sent through a signed upload URL: columns, suggested field types (from the first 200 rows) and the row count. " +
    "A file_uri that is not one of this workspace's uploads is a 422; a missing file 404; a file that is not what it claims 422.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(AnalyzeBody) },
  responses: { 200: json(UploadAnalysisSchema, "Analysis"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await analyzeUpload(c.var.ctx, c.req.valid("json")), 200);

export const registerAnalyzeUpload = (r: Router) => r.openapi(route, handler);
