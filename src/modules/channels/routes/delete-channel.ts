import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelSlugParam } from "../schemas";
import { deleteChannel } from "../service/management";

const route = createRoute({
  method: "delete",
  path: "/api/v1/channels/{channel_slug}",
  tags: ["Channels"],
  summary: "Delete a channel",
  description:
    "Permanent: messages, participants, grants, files (and their stored bytes) and record links go with it. Channel " +
    "admins and members with can_manage_channel. To keep the history, complete or archive the channel instead.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelSlugParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await deleteChannel(c.var.ctx, c.req.valid("param").channel_slug);
  return c.body(null, 204);
};

export const registerDeleteChannel = (r: Router) => r.openapi(route, handler);
