import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { createMyPreference } from "../preferences";
import { PreferenceCreateRequest, PreferenceSchema } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/notifications/me",
  tags: ["Notifications"],
  summary: "Create a notification preference for the current user.",
  description:
    "One row per event type: a second one for the same event_type is a 409 (update it instead). Omitted toggles take " +
    "the event type's recommended defaults; an event_type outside the catalogue is a 422.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(PreferenceCreateRequest) },
  responses: { 201: json(PreferenceSchema, "Created preference"), ...errorResponses(401, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createMyPreference(c.var.ctx, c.req.valid("json")), 201);

export const registerCreateMyPreference = (r: Router) => r.openapi(route, handler);
