import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelSlugParam, ListChannelTasksQuery, TaskPageSchema } from "../schemas";
import { listChannelTasks } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/channels/{channel_slug}/tasks",
  tags: ["Channels"],
  summary: "List all tasks for a channel",
  description:
    "Needs view access to the channel (404 otherwise) and can_view_action. Filters: search, status, priority, " +
    'assignee ("me" or a member id), include_completed. Newest first, paged with page/page_size.',
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelSlugParam, query: ListChannelTasksQuery },
  responses: { 200: json(TaskPageSchema, "A page of the channel's tasks"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listChannelTasks(c.var.ctx, c.req.valid("param").channel_slug, c.req.valid("query")), 200);

export const registerListChannelTasks = (r: Router) => r.openapi(route, handler);
