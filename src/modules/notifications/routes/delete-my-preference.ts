import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { deleteMyPreference } from "../preferences";
import { PreferenceIdParam } from "../schemas";

const route = createRoute({
  method: "delete",
  path: "/api/v1/notifications/me/{preference_id}",
  tags: ["Notifications"],
  summary: "Delete a notification preference.",
  description: "The event type falls back to its recommended defaults. Another member's preference is a 404.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: PreferenceIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await deleteMyPreference(c.var.ctx, c.req.valid("param").preference_id);
  return c.body(null, 204);
};

export const registerDeleteMyPreference = (r: Router) => r.openapi(route, handler);
