import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { bulkUpdateMyPreferences } from "../preferences";
import { PreferenceBulkRequest, PreferenceListSchema } from "../schemas";

const route = createRoute({
  method: "put",
  path: "/api/v1/notifications/me/bulk",
  tags: ["Notifications"],
  summary: "Bulk update notification preferences for the current user.",
  description:
    "For the settings page: preferences is a list (1–100) of {event_type, inapp_enabled?, email_enabled?, " +
    "whatsapp_enabled?, muted?}, each event_type at most once. Existing rows keep the toggles not given; new rows start " +
    "from the defaults. All or nothing. Returns the updated/created rows.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(PreferenceBulkRequest) },
  responses: { 200: json(PreferenceListSchema, "Updated/created rows"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await bulkUpdateMyPreferences(c.var.ctx, c.req.valid("json")), 200);

export const registerBulkUpdateMyPreferences = (r: Router) => r.openapi(route, handler);
