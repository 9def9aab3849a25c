import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MarkReadRequest, MarkReadResultSchema } from "../schemas";
import { markRead } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/notifications/mark-read",
  tags: ["Notifications"],
  summary: "Mark notification(s) as read.",
  description:
    "Body {notification_id}: that notification (yours only: another member's or an unknown id is a 404; already read " +
    'gives updated 0). Body {} (no notification_id): all your unread notifications. Returns {"updated": <count>}.',
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(MarkReadRequest) },
  responses: { 200: json(MarkReadResultSchema, "How many were marked read"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await markRead(c.var.ctx, c.req.valid("json")), 200);

export const registerMarkRead = (r: Router) => r.openapi(route, handler);
