import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { updatePreferenceV2 } from "../preferences";
import { EventTypeParam, PreferenceUpdateRequest, PreferenceV2Schema } from "../schemas";

const route = createRoute({
  method: "put",
  path: "/api/v1/notifications/preferences/v2/{event_type}",
  tags: ["Notifications"],
  summary: "Update notification preference for a specific event type.",
  description:
    "Body: at least one of inapp_enabled, email_enabled, whatsapp_enabled, muted (mutes the event type everywhere). " +
    "Toggles not given keep their current value. An event type outside the catalogue (GET /notifications/defaults) is a 404.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: EventTypeParam, body: jsonBody(PreferenceUpdateRequest) },
  responses: { 200: json(PreferenceV2Schema, "Updated settings"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updatePreferenceV2(c.var.ctx, c.req.valid("param").event_type, c.req.valid("json")), 200);

export const registerUpdatePreferenceV2 = (r: Router) => r.openapi(route, handler);
