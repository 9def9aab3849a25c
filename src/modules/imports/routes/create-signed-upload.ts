import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { SignedUploadBody, SignedUploadSchema } from "../schemas";
import { createSignedUpload } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/recordsets/import/upload/signed-url",
  tags: ["Recordset Import"],
  summary: "Create a signed URL for direct browser upload to GCS.",
  description:
    "Storage is R2 here: the URL points at PUT /api/v1/recordsets/import/upload on this API with key, exp and an HMAC " +
    "signature, valid for one hour, accepting one file of up to 100 MB without a token. Returns the file_uri to analyse " +
    "and import afterwards. The file name must end in .csv, .xlsx, .geojson or .json (422 otherwise).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(SignedUploadBody) },
  responses: { 200: json(SignedUploadSchema, "Signed upload URL"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createSignedUpload(c.var.ctx, c.req.valid("json")), 200);

export const registerCreateSignedUpload = (r: Router) => r.openapi(route, handler);
