import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelFileSchema, ChannelFileUploadBody, ChannelFileUploadQuery, ChannelSlugParam } from "../schemas";
import { type ChannelUpload, uploadChannelFile } from "../service/files";

const route = createRoute({
  method: "post",
  path: "/api/v1/channels/{channel_slug}/files",
  tags: ["Channels"],
  summary: "Upload a file to a channel.",
  description:
    "multipart/form-data with a `file` field: any type, up to 25 MB (413 above). Stored in R2 with its content type; " +
    "whoever may post in the channel may upload (not in archived channels).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: {
    headers: WorkspaceHeaderSchema,
    params: ChannelSlugParam,
    query: ChannelFileUploadQuery,
    body: { required: true, content: { "multipart/form-data": { schema: ChannelFileUploadBody } } },
  },
  responses: { 201: json(ChannelFileSchema, "Stored"), ...errorResponses(401, 403, 404, 413) },
});

/** The multipart `file` field for the service (a Blob goes to R2 without another copy). */
function fileFromForm(value: unknown): ChannelUpload | undefined {
  if (!(value instanceof File)) return undefined;
  return { name: value.name, type: value.type, size: value.size, data: value };
}

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(
    await uploadChannelFile(
      c.var.ctx,
      c.req.valid("param").channel_slug,
      fileFromForm(c.req.valid("form").file),
      c.req.valid("query").description,
    ),
    201,
  );

export const registerUploadChannelFile = (r: Router) => r.openapi(route, handler);
