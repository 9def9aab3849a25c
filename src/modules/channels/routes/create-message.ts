import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelMessageSchema, MessageCreate, SlugParam } from "../schemas-conversation";
import { postMessage } from "../service/messages";

const route = createRoute({
  method: "post",
  path: "/api/v1/channels/{channel_slug}/messages",
  tags: ["Channels"],
  summary: "Create a new message in a channel",
  description:
    "content: 1 to 10,000 characters (longer is 422; a body over 1 MiB is 413). parent_id replies in a thread. " +
    "Mentioned members are notified (not if they muted the channel; in a private channel only those who can open it); " +
    "participants who starred the channel get a channel_message notification. The message gets the channel's next seq " +
    'and is published to the channel\'s live stream as a "message" event. Needs can_post_message and a channel you may ' +
    "post in (not archived, not a read-only grant).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: SlugParam, body: jsonBody(MessageCreate) },
  responses: { 201: json(ChannelMessageSchema, "The new message"), ...errorResponses(401, 403, 404, 413, 429) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await postMessage(c.var.ctx, c.req.valid("param").channel_slug, c.req.valid("json")), 201);

export const registerCreateMessage = (r: Router) => r.openapi(route, handler);
