import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { listMyPreferences } from "../preferences";
import { PreferenceListSchema } from "../schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/notifications/me",
  tags: ["Notifications"],
  summary: "Get notification preferences for the current user.",
  description: "The stored preference rows (one per event type at most); event types without a row use the defaults.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(PreferenceListSchema, "Preference rows"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listMyPreferences(c.var.ctx), 200);

export const registerListMyPreferences = (r: Router) => r.openapi(route, handler);
