import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { getDefaultPreferences } from "../preferences";
import { DefaultsSchema } from "../schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/notifications/defaults",
  tags: ["Notifications"],
  summary: "Get default/recommended notification preferences.",
  description:
    "The recommended settings for new users, organised by category (Assigned Actions, Owned Actions, …): " +
    "category → event type → {label, description, highlight, inapp_enabled, email_enabled, whatsapp_enabled, muted}.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(DefaultsSchema, "Recommended settings by category"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(getDefaultPreferences(), 200);

export const registerGetDefaults = (r: Router) => r.openapi(route, handler);
