import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelComplete, ChannelSchema, ChannelSlugParam } from "../schemas";
import { completeChannel } from "../service/management";

const route = createRoute({
  method: "post",
  path: "/api/v1/channels/{channel_slug}/complete",
  tags: ["Channels"],
  summary: "Mark a channel as completed (archives the channel).",
  description:
    'Records who completed it and when, and archives it (no new posts). `{"is_completed": false}` reopens and ' +
    "unarchives it. The body is optional. Channel admins and members with can_manage_channel.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: {
    headers: WorkspaceHeaderSchema,
    params: ChannelSlugParam,
    body: { required: false, content: { "application/json": { schema: ChannelComplete } } },
  },
  responses: { 200: json(ChannelSchema, "The channel"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await completeChannel({ ctx: c.var.ctx, slug: c.req.valid("param").channel_slug, input: c.req.valid("json") }), 200);

export const registerCompleteChannel = (r: Router) => r.openapi(route, handler);
