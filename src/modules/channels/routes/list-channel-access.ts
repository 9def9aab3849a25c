import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelAccessGrantSchema, ChannelSlugParam } from "../schemas";
import { listChannelAccess } from "../service/access";

const route = createRoute({
  method: "get",
  path: "/api/v1/channels/{channel_slug}/access",
  tags: ["Channels"],
  summary: "List all access grants for a channel",
  description: "Members and teams the channel is shared with, oldest first.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelSlugParam },
  responses: { 200: json(z.array(ChannelAccessGrantSchema), "Grants"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listChannelAccess(c.var.ctx, c.req.valid("param").channel_slug), 200);

export const registerListChannelAccess = (r: Router) => r.openapi(route, handler);
