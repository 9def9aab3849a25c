import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ActivityFeedQuery, ActivityFeedSchema } from "../schemas";
import { getActivityFeed } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/activity/feed",
  tags: ["Activity Feed"],
  summary: "Get the activity feed for the current workspace.",
  description:
    "What happened in the workspace (tasks, goals, records, channels, meetings, members, …), newest first. Only " +
    "activity you may see: none from channels you cannot see, none of resources your role may not view. Filters: " +
    "`types` (comma-separated categories such as action,goal,record,integration,user, or exact types such as " +
    "task.completed), `search` (description), `start_date`/`end_date` (ISO; a date-only end covers its day), " +
    "`scope` (mine: your own activity; all: everyone's, the default), `user_ids`, `team_ids` (activity of those " +
    "teams' members). `limit` (default 20, at most 100) and `offset` paginate.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ActivityFeedQuery },
  responses: { 200: json(ActivityFeedSchema, "Activities, newest first"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getActivityFeed(c.var.ctx, c.req.valid("query")), 200);

export const registerGetActivityFeed = (r: Router) => r.openapi(route, handler);
