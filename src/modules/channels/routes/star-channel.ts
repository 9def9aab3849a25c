import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelPreferencesSchema, ChannelSlugParam, ChannelStar } from "../schemas";
import { starChannel } from "../service/participants";

const route = createRoute({
  method: "post",
  path: "/api/v1/channels/{channel_slug}/star",
  tags: ["Channels"],
  summary: "Toggle star status for a channel.",
  description:
    'For you only. Without a body (or without is_starred) it toggles; `{"is_starred": true}` sets it. Participants ' +
    "only (409 otherwise).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: {
    headers: WorkspaceHeaderSchema,
    params: ChannelSlugParam,
    body: { required: false, content: { "application/json": { schema: ChannelStar } } },
  },
  responses: { 200: json(ChannelPreferencesSchema, "Your star and mute"), ...errorResponses(401, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await starChannel(c.var.ctx, c.req.valid("param").channel_slug, c.req.valid("json")), 200);

export const registerStarChannel = (r: Router) => r.openapi(route, handler);
