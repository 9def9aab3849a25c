import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelMemberSchema, ChannelSlugParam } from "../schemas";
import { joinChannel } from "../service/participants";

const route = createRoute({
  method: "post",
  path: "/api/v1/channels/{channel_slug}/members/join",
  tags: ["Channels"],
  summary: "Join a channel (current user).",
  description:
    "Public channels: anyone with can_view_channel. Private channels: members granted access (directly or through " +
    "a team). Joining again is a no-op; archived channels cannot be joined (409).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelSlugParam },
  responses: { 200: json(ChannelMemberSchema, "Your participation"), ...errorResponses(401, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await joinChannel(c.var.ctx, c.req.valid("param").channel_slug), 200);

export const registerJoinChannel = (r: Router) => r.openapi(route, handler);
