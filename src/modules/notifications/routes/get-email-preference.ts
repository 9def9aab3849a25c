import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { getEmailPreference } from "../preferences";
import { EmailPreferenceSchema } from "../schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/notifications/email-preference",
  tags: ["Notifications"],
  summary: "Get the current user's email delivery preference.",
  description:
    "email_delivery_mode: instant (an email as each event happens) or digest (batched into periodic digest emails); " +
    "digest_frequency_minutes: 30 or 60. Defaults: instant, 60.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(EmailPreferenceSchema, "Email delivery preference"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getEmailPreference(c.var.ctx), 200);

export const registerGetEmailPreference = (r: Router) => r.openapi(route, handler);
