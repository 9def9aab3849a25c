import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelMemberSchema, ChannelSlugParam } from "../schemas";
import { listChannelMembers } from "../service/participants";

const route = createRoute({
  method: "get",
  path: "/api/v1/channels/{channel_slug}/members",
  tags: ["Channels"],
  summary: "Get all members/participants of a channel.",
  description: "Participants with their member profiles; channel admins first, then by name.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelSlugParam },
  responses: { 200: json(z.array(ChannelMemberSchema), "Participants"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listChannelMembers(c.var.ctx, c.req.valid("param").channel_slug), 200);

export const registerListChannelMembers = (r: Router) => r.openapi(route, handler);
