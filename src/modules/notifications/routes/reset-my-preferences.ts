import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { resetMyPreferences } from "../preferences";
import { PreferenceListSchema } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/notifications/me/reset",
  tags: ["Notifications"],
  summary: "Reset notification preferences to default recommended settings.",
  description: "Deletes all of your preference rows and creates one per event type with the recommended settings; returns them.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(PreferenceListSchema, "The new default rows"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await resetMyPreferences(c.var.ctx), 200);

export const registerResetMyPreferences = (r: Router) => r.openapi(route, handler);
