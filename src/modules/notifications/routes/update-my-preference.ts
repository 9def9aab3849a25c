import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { updateMyPreference } from "../preferences";
import { PreferenceIdParam, PreferenceSchema, PreferenceUpdateRequest } from "../schemas";

const route = createRoute({
  method: "put",
  path: "/api/v1/notifications/me/{preference_id}",
  tags: ["Notifications"],
  summary: "Update a notification preference for the current user.",
  description: "At least one of inapp_enabled, email_enabled, whatsapp_enabled, muted. Another member's preference is a 404.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: PreferenceIdParam, body: jsonBody(PreferenceUpdateRequest) },
  responses: { 200: json(PreferenceSchema, "Updated preference"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateMyPreference(c.var.ctx, c.req.valid("param").preference_id, c.req.valid("json")), 200);

export const registerUpdateMyPreference = (r: Router) => r.openapi(route, handler);
