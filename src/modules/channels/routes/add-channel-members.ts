import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelMemberSchema, ChannelMembersAdd, ChannelSlugParam } from "../schemas";
import { addChannelMembers } from "../service/participants";

const route = createRoute({
  method: "post",
  path: "/api/v1/channels/{channel_slug}/members",
  tags: ["Channels"],
  summary: "Add a member to a channel (admin action).",
  description:
    "member_id or member_ids (active workspace members). Participation also lets them see a private channel. " +
    "Channel admins and members with can_manage_channel.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelSlugParam, body: jsonBody(ChannelMembersAdd) },
  responses: { 200: json(z.array(ChannelMemberSchema), "The participants named in the request"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await addChannelMembers({ ctx: c.var.ctx, slug: c.req.valid("param").channel_slug, input: c.req.valid("json") }), 200);

export const registerAddChannelMembers = (r: Router) => r.openapi(route, handler);
