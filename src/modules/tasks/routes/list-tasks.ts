import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ListTasksQuery, TaskPageSchema } from "../schemas";
import { listTasks } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/tasks",
  tags: ["Tasks"],
  summary: "List all tasks across the workspace.",
  description:
    "Needs can_view_action. Admins and owners see every task; others see tasks of channels they can view and " +
    'standalone tasks they own or are assigned. Filters: search, status, priority, channel_id ("null": standalone), ' +
    'goal_id, key_result_id, owner and assignee ("me" or a member id), user_ids and team_ids (owner OR assignee), ' +
    "include_completed (default true). Newest first, paged with page/page_size.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListTasksQuery },
  responses: { 200: json(TaskPageSchema, "A page of tasks"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listTasks(c.var.ctx, c.req.valid("query")), 200);

export const registerListTasks = (r: Router) => r.openapi(route, handler);
