import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json } from "../../../platform/openapi";
import { SignedPutQuery, StoredFileSchema } from "../schemas";
import { receiveSignedUpload } from "../service";

const route = createRoute({
  method: "put",
  path: "/api/v1/recordsets/import/upload",
  tags: ["Recordset Import"],
  summary: "Receive a file through a signed upload URL.",
  description:
    "The target of /import/upload/signed-url: no credentials, the HMAC signature over key and exp is the authorisation " +
    "(altered or expired links are 403). The raw body is the file, streamed into storage, up to 100 MB (413 above). " +
    "Then call /import/upload/analyze with the file_uri.",
  middleware: [limitByIp("token")] as const,
  request: {
    query: SignedPutQuery,
    body: { required: true, content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } } },
  },
  responses: { 200: json(StoredFileSchema, "Stored"), ...errorResponses(403, 413) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(
    await receiveSignedUpload(c.var.ctx, c.req.valid("query"), { body: c.req.raw.body, contentType: c.req.header("content-type") ?? "" }),
    200,
  );

export const registerPutSignedUpload = (r: Router) => r.openapi(route, handler);
