import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelSchema, ChannelSlugParam } from "../schemas";
import { getChannel } from "../service/management";

const route = createRoute({
  method: "get",
  path: "/api/v1/channels/{channel_slug}",
  tags: ["Channels"],
  summary: "Get a specific channel by slug",
  description: "Private channels you cannot see are 404.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelSlugParam },
  responses: { 200: json(ChannelSchema, "The channel"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getChannel(c.var.ctx, c.req.valid("param").channel_slug), 200);

export const registerGetChannel = (r: Router) => r.openapi(route, handler);
