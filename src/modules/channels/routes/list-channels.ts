import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelListSchema, ListChannelsQuery } from "../schemas";
import { listChannels } from "../service/management";

const route = createRoute({
  method: "get",
  path: "/api/v1/channels",
  tags: ["Channels"],
  summary: "List all channels for the current workspace",
  description:
    "Channels you can see: public ones (can_view_channel), private ones you participate in or were granted (directly or " +
    "through a team), and every channel with can_manage_channel (admins, owners). Ordered by name. Paginate with " +
    "page/page_size or skip/limit (at most 100). unread_count counts messages after your read marker.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListChannelsQuery },
  responses: { 200: json(ChannelListSchema, "Channels"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listChannels(c.var.ctx, c.req.valid("query")), 200);

export const registerListChannels = (r: Router) => r.openapi(route, handler);
