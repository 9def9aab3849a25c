import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelMessageParams, SquashedListSchema } from "../schemas-conversation";
import { listSquashed } from "../service/messages";

const route = createRoute({
  method: "get",
  path: "/api/v1/channels/{channel_slug}/messages/{message_id}/squashed",
  tags: ["Channels"],
  summary: "Get all messages that were squashed into a summary message.",
  description: "Returns the soft-deleted messages linked to this summary, oldest first. 404 if the message is not a summary.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelMessageParams },
  responses: { 200: json(SquashedListSchema, "The summary and the messages it hides"), ...errorResponses(401, 403, 404, 429) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const { channel_slug, message_id } = c.req.valid("param");
  return c.json(await listSquashed(c.var.ctx, channel_slug, message_id), 200);
};

export const registerListSquashed = (r: Router) => r.openapi(route, handler);
