import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelFileParams, ChannelFileRedirectSchema, FileDownloadQuery } from "../schemas";
import { channelFileRedirect } from "../service/files";

const route = createRoute({
  method: "get",
  path: "/api/v1/channels/{channel_slug}/files/{file_id}",
  tags: ["Channels"],
  summary: "Redirect to the channel file with a fresh signed URL.",
  description:
    "302 to a signed GET /api/v1/files/download link (valid 15 minutes); the body carries the file's metadata " +
    "and the same link for clients that do not follow redirects. download=true asks for an attachment.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelFileParams, query: FileDownloadQuery },
  responses: {
    302: {
      ...json(ChannelFileRedirectSchema, "Redirect to the signed link (Location); metadata in the body"),
      headers: { location: { schema: { type: "string" }, description: "The signed download link" } },
    },
    ...errorResponses(401, 404),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const { channel_slug, file_id } = c.req.valid("param");
  const f = await channelFileRedirect(c.var.ctx, channel_slug, file_id, c.req.valid("query").download);
  return c.json(f, 302, { location: f.signed_url, "cache-control": "no-store" });
};

export const registerGetChannelFile = (r: Router) => r.openapi(route, handler);
