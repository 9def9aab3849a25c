import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { updateEmailPreference } from "../preferences";
import { EmailPreferenceSchema, EmailPreferenceUpdateRequest } from "../schemas";

const route = createRoute({
  method: "put",
  path: "/api/v1/notifications/email-preference",
  tags: ["Notifications"],
  summary: "Update the current user's email delivery preference.",
  description:
    "instant: an email when each event happens; digest: one summary email every 30 or 60 minutes grouping your unread " +
    "notifications, with the ones that need your attention highlighted. Body: email_delivery_mode and/or " +
    'digest_frequency_minutes (30 or 60, also accepted as "30"/"60"; kept when switching to instant).',
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(EmailPreferenceUpdateRequest) },
  responses: { 200: json(EmailPreferenceSchema, "Updated preference"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await updateEmailPreference(c.var.ctx, c.req.valid("json")), 200);

export const registerUpdateEmailPreference = (r: Router) => r.openapi(route, handler);
