import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelFileParams, FileDownloadQuery, SignedUrlSchema } from "../schemas";
import { channelFileSignedUrl } from "../service/files";

const route = createRoute({
  method: "get",
  path: "/api/v1/channels/{channel_slug}/files/{file_id}/signed-url",
  tags: ["Channels"],
  summary: "Get a fresh signed URL for a channel file.",
  description:
    "A link to GET /api/v1/files/download that works without credentials for 15 minutes. download=true asks for an " + "attachment.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelFileParams, query: FileDownloadQuery },
  responses: { 200: json(SignedUrlSchema, "The signed link"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const { channel_slug, file_id } = c.req.valid("param");
  return c.json(await channelFileSignedUrl(c.var.ctx, channel_slug, file_id, c.req.valid("query").download), 200);
};

export const registerChannelFileSignedUrl = (r: Router) => r.openapi(route, handler);
