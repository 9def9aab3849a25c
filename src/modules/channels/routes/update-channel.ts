import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelSchema, ChannelSlugParam, ChannelUpdate } from "../schemas";
import { updateChannel } from "../service/management";

const route = createRoute({
  method: "put",
  path: "/api/v1/channels/{channel_slug}",
  tags: ["Channels"],
  summary: "Update an existing channel",
  description: "Channel admins and members with can_manage_channel. Renaming keeps the slug. is_archived archives or unarchives.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelSlugParam, body: jsonBody(ChannelUpdate) },
  responses: { 200: json(ChannelSchema, "The channel"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateChannel({ ctx: c.var.ctx, slug: c.req.valid("param").channel_slug, input: c.req.valid("json") }), 200);

export const registerUpdateChannel = (r: Router) => r.openapi(route, handler);
