import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { UnreadCountSchema } from "../schemas";
import { unreadCount } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/notifications/unread-count",
  tags: ["Notifications"],
  summary: "Get count of unread notifications.",
  description: 'Returns {"count": <number of unread notifications>}.',
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(UnreadCountSchema, "Unread count"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await unreadCount(c.var.ctx), 200);

export const registerUnreadCount = (r: Router) => r.openapi(route, handler);
