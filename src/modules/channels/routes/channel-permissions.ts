import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelPermissionsSchema, ChannelSlugParam } from "../schemas";
import { channelPermissions } from "../service/access";

const route = createRoute({
  method: "get",
  path: "/api/v1/channels/{channel_slug}/permissions",
  tags: ["Channels"],
  summary: "Get the current user's permissions on a channel",
  description: "What you may do here, from your workspace permissions, your participation and role, and grants.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelSlugParam },
  responses: { 200: json(ChannelPermissionsSchema, "Your permissions"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await channelPermissions(c.var.ctx, c.req.valid("param").channel_slug), 200);

export const registerChannelPermissions = (r: Router) => r.openapi(route, handler);
