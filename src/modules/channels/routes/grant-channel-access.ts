import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelAccessCreate, ChannelAccessGrantSchema, ChannelSlugParam } from "../schemas";
import { grantChannelAccess } from "../service/access";

const route = createRoute({
  method: "post",
  path: "/api/v1/channels/{channel_slug}/access",
  tags: ["Channels"],
  summary: "Grant access to a member or team on a channel",
  description:
    "Grants let members (or a team's members) see a private channel and join it; can_post false makes the grant " +
    "read-only. Granting again updates can_post. Channel admins and members with can_manage_channel.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelSlugParam, body: jsonBody(ChannelAccessCreate) },
  responses: { 201: json(z.array(ChannelAccessGrantSchema), "The grants made or updated"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await grantChannelAccess({ ctx: c.var.ctx, slug: c.req.valid("param").channel_slug, input: c.req.valid("json") }), 201);

export const registerGrantChannelAccess = (r: Router) => r.openapi(route, handler);
