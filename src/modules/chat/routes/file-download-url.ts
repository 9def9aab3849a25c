import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { FileIdParam, SignedUrlResponseSchema } from "../schemas";
import { fileDownloadUrl } from "../service/files";

const route = createRoute({
  method: "get",
  path: "/api/v1/chat/files/{file_id}/download-url",
  tags: ["Chat"],
  summary: "Generate a download URL for a chat file attachment.",
  description: "A signed link (GET /api/v1/files/download, no credentials needed) valid for 1 hour; files of your own conversations only.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: FileIdParam },
  responses: { 200: json(SignedUrlResponseSchema, "The signed link"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await fileDownloadUrl(c.var.ctx, c.req.valid("param").file_id), 200);

export const registerFileDownloadUrl = (r: Router) => r.openapi(route, handler);
