import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { NotificationListQuery, NotificationListSchema } from "../schemas";
import { listNotifications } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/notifications/list",
  tags: ["Notifications"],
  summary: "Get notifications for the current user.",
  description: "Newest first. unread_only; limit (default 50, at most 100); offset. Returns items and the total count.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: NotificationListQuery },
  responses: { 200: json(NotificationListSchema, "A page of notifications"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listNotifications(c.var.ctx, c.req.valid("query")), 200);

export const registerListNotifications = (r: Router) => r.openapi(route, handler);
