import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { UploadAnalysisSchema, UploadFormSchema } from "../schemas";
import { uploadFile } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/recordsets/import/upload",
  tags: ["Recordset Import"],
  summary: "Upload a CSV/Excel/GeoJSON/JSON file and analyze its headers.",
  description:
    "multipart/form-data with a `file` field (.csv, .xlsx, .geojson, or .json holding an array of objects), up to 100 MB (413 " +
    "above). The file is streamed into storage as it arrives, then read once to extract the columns, suggest field types from " +
    "the first 200 rows and count the rows. Returns the file_uri for /recordsets/import or /import/recordsets/{id}. A file that " +
    "is not what its name claims (an .xlsx that is not a zip, JSON that does not parse) is a 422 and is not kept. Needs " +
    "can_create_record or can_create_recordset.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: {
    headers: WorkspaceHeaderSchema,
    // A plain schema object (not zod): the body is not parsed by the validator, so it can be streamed.
    body: { required: true, content: { "multipart/form-data": { schema: UploadFormSchema } } },
  },
  responses: { 200: json(UploadAnalysisSchema, "Stored and analysed"), ...errorResponses(401, 403, 404, 413) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await uploadFile(c.var.ctx, { body: c.req.raw.body, contentType: c.req.header("content-type") ?? "" }), 200);

export const registerUploadFile = (r: Router) => r.openapi(route, handler);
