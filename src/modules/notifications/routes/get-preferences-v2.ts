import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { getPreferencesV2 } from "../preferences";
import { PreferencesV2Schema } from "../schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/notifications/preferences/v2",
  tags: ["Notifications"],
  summary: "Get all notification preferences for the current user (v2 format).",
  description:
    "Every event type → {event_type, category, label, inapp_enabled, email_enabled, whatsapp_enabled, muted, is_default}, " +
    "with the recommended defaults filled in where you have stored nothing (is_default: true).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(PreferencesV2Schema, "Preferences by event type"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getPreferencesV2(c.var.ctx), 200);

export const registerGetPreferencesV2 = (r: Router) => r.openapi(route, handler);
