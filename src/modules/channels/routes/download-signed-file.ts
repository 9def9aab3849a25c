import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses } from "../../../platform/openapi";
import { SignedDownloadQuery } from "../schemas";
import { downloadSignedFile } from "../service/files";

const route = createRoute({
  method: "get",
  path: "/api/v1/files/download",
  tags: ["Files"],
  summary: "Download a file through a signed link",
  description:
    "The target of signed links (channel files' signed-url and redirect endpoints): no credentials, the HMAC " +
    "signature over key and exp is the authorisation. Expired or altered links are 403. Streams the stored object " +
    "with its content type; download=1 (or a type that is not safe to show inline) makes it an attachment.",
  middleware: [limitByIp("read")] as const,
  request: { query: SignedDownloadQuery },
  responses: {
    200: { description: "The file", content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } } },
    ...errorResponses(403, 404),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const f = await downloadSignedFile(c.var.ctx, c.req.valid("query"));
  return new Response(f.body, { headers: f.headers });
};

export const registerDownloadSignedFile = (r: Router) => r.openapi(route, handler);
