import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelActivityListSchema, ChannelSlugParam, LimitOffsetQuery } from "../schemas";
import { listChannelActivities } from "../service/management";

const route = createRoute({
  method: "get",
  path: "/api/v1/channels/{channel_slug}/activities",
  tags: ["Channels"],
  summary: "List activities for a channel",
  description: "Newest first; limit (at most 200) and offset.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelSlugParam, query: LimitOffsetQuery },
  responses: { 200: json(ChannelActivityListSchema, "Activities"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listChannelActivities(c.var.ctx, c.req.valid("param").channel_slug, c.req.valid("query")), 200);

export const registerListChannelActivities = (r: Router) => r.openapi(route, handler);
