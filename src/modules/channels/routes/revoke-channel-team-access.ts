import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelAccessTeamParams } from "../schemas";
import { revokeTeamAccess } from "../service/access";

const route = createRoute({
  method: "delete",
  path: "/api/v1/channels/{channel_slug}/access/teams/{team_id}",
  tags: ["Channels"],
  summary: "Revoke a team's access to a channel",
  description:
    "On a private channel, the team's members who have no other way in stop participating and their live streams " +
    "get `access_revoked`. Channel managers only.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelAccessTeamParams },
  responses: { 204: { description: "Revoked" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const { channel_slug, team_id } = c.req.valid("param");
  await revokeTeamAccess(c.var.ctx, channel_slug, team_id);
  return c.body(null, 204);
};

export const registerRevokeChannelTeamAccess = (r: Router) => r.openapi(route, handler);
