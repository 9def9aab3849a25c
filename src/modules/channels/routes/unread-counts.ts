import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { UnreadCountsSchema } from "../schemas-conversation";
import { unreadCounts } from "../service/reads";

const route = createRoute({
  method: "get",
  path: "/api/v1/channels/unread-counts",
  tags: ["Channels"],
  summary: "Return unread message counts for every channel the current user participates in.",
  description:
    "Used for badge display on channel list and sidebar. Unread: messages after your read marker (last_read_seq), " +
    "not deleted or squashed, not written by you. total_unread leaves out channels you muted.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(UnreadCountsSchema, "Unread counts per channel"), ...errorResponses(401, 403, 404, 429) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await unreadCounts(c.var.ctx), 200);

export const registerUnreadCounts = (r: Router) => r.openapi(route, handler);
