import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses } from "../../../platform/openapi";
import { UploadPathParam, UploadPathQuery } from "../schemas";
import { serveUpload } from "../service/shares";

const route = createRoute({
  method: "get",
  path: "/api/v1/uploads/{path}",
  tags: ["Uploads"],
  summary: "Serve a file from the uploads directory.",
  description:
    "Atrium keeps files in object storage, not an uploads directory: this streams a document file only through an HMAC-signed, unexpired link (path = the object key, URL-encoded; exp and sig as in signed download URLs). No credentials, rate limited per IP; a missing, altered or expired signature is a 404.",
  middleware: [limitByIp("read")] as const,
  request: { params: UploadPathParam, query: UploadPathQuery },
  responses: {
    200: { description: "The file", content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } } },
    ...errorResponses(404, 429),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const f = await serveUpload(c.var.ctx, c.req.valid("param").path, c.req.valid("query"));
  return new Response(f.body, { headers: f.headers });
};

export const registerServeUpload = (r: Router) => r.openapi(route, handler);
