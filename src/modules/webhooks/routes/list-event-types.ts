import { createRoute, z } from "@hono/zod-openapi";
import { describeEvents } from "../../../platform/events/catalogue";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { EventTypeSchema } from "../schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/webhooks/event-types",
  tags: ["Webhooks"],
  summary: "List the event types webhooks can subscribe to.",
  description:
    "The event catalogue: each type with a description and the JSON Schema of its `data`. Every delivery body is `{id, type, timestamp, workspace_id, data}`. Any member may read it.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(z.array(EventTypeSchema), "The catalogue"), ...errorResponses(401, 403) },
});

const handler: AppRouteHandler<typeof route> = (c) => c.json(describeEvents() as z.infer<typeof EventTypeSchema>[], 200);

export const registerListEventTypes = (r: Router) => r.openapi(route, handler);
