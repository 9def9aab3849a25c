import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MarkReadQuery, ReadStatusSchema, SlugParam } from "../schemas-conversation";
import { markRead } from "../service/reads";

const route = createRoute({
  method: "post",
  path: "/api/v1/channels/{channel_slug}/mark-read",
  tags: ["Channels"],
  summary: "Mark channel messages as read.",
  description:
    "If message_id is provided, marks that specific message as the last read. Otherwise, marks the latest message as read.\n" +
    'IMPORTANT: "high water mark" logic: the position only moves if the new message is NEWER than the saved one, so ' +
    "scrolling up never moves it back (last_read_at is still updated). Returns the read status with last_read_message_id " +
    'and the count of unread messages. A move is published as "read". Only participants have a read position (403 otherwise).',
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: SlugParam, query: MarkReadQuery },
  responses: { 200: json(ReadStatusSchema, "Your read status after marking"), ...errorResponses(401, 403, 404, 429) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await markRead(c.var.ctx, c.req.valid("param").channel_slug, c.req.valid("query").message_id), 200);

export const registerMarkRead = (r: Router) => r.openapi(route, handler);
