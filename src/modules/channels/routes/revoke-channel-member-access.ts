import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelAccessMemberParams } from "../schemas";
import { revokeMemberAccess } from "../service/access";

const route = createRoute({
  method: "delete",
  path: "/api/v1/channels/{channel_slug}/access/members/{member_id}",
  tags: ["Channels"],
  summary: "Revoke a member's access to a channel",
  description:
    "On a private channel the member also stops participating unless they still have a way in (a team grant, " +
    "channel admin, can_manage_channel); their live streams get `access_revoked`. Channel managers only.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelAccessMemberParams },
  responses: { 204: { description: "Revoked" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const { channel_slug, member_id } = c.req.valid("param");
  await revokeMemberAccess(c.var.ctx, channel_slug, member_id);
  return c.body(null, 204);
};

export const registerRevokeChannelMemberAccess = (r: Router) => r.openapi(route, handler);
