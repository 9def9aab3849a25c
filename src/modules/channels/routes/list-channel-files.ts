import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelFileSchema, ChannelSlugParam } from "../schemas";
import { listChannelFiles } from "../service/files";

const route = createRoute({
  method: "get",
  path: "/api/v1/channels/{channel_slug}/files",
  tags: ["Channels"],
  summary: "List all files for a channel.",
  description: "Newest first. Download through each file's url (a redirect to a signed link) or its signed-url endpoint.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelSlugParam },
  responses: { 200: json(z.array(ChannelFileSchema), "Files"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listChannelFiles(c.var.ctx, c.req.valid("param").channel_slug), 200);

export const registerListChannelFiles = (r: Router) => r.openapi(route, handler);
