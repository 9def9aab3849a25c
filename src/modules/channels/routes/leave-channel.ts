import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelLeaveSchema, ChannelSlugParam } from "../schemas";
import { leaveChannel } from "../service/participants";

const route = createRoute({
  method: "post",
  path: "/api/v1/channels/{channel_slug}/members/leave",
  tags: ["Channels"],
  summary: "Leave a channel (current user).",
  description: "`left` is false if you were not participating.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelSlugParam },
  responses: { 200: json(ChannelLeaveSchema, "Left"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await leaveChannel(c.var.ctx, c.req.valid("param").channel_slug), 200);

export const registerLeaveChannel = (r: Router) => r.openapi(route, handler);
