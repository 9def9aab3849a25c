import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ReadStatusSchema, SlugParam } from "../schemas-conversation";
import { readStatus } from "../service/reads";

const route = createRoute({
  method: "get",
  path: "/api/v1/channels/{channel_slug}/read-status",
  tags: ["Channels"],
  summary: "Get the current user's read status for a channel.",
  description:
    "Returns:\n• last_read_message_id: The ID of the last message the user has seen\n" +
    "• last_read_at: When the user last viewed the channel\n• unread_count: Number of messages posted after the last read " +
    "message (not deleted or squashed, not your own)\nNon-participants have no read position (is_participant false, zeros).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: SlugParam },
  responses: { 200: json(ReadStatusSchema, "Your read status"), ...errorResponses(401, 403, 404, 429) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await readStatus(c.var.ctx, c.req.valid("param").channel_slug), 200);

export const registerGetReadStatus = (r: Router) => r.openapi(route, handler);
