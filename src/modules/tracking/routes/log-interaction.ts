import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { InteractionCreate, InteractionSchema, RecordIdParam } from "../schemas";
import { logInteraction } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/tracking/{record_id}/interactions",
  tags: ["Record Tracking"],
  summary: "Log a new interaction for a record",
  description:
    "Adds an interaction to the record's timeline (occurred_at defaults to now, member_id to the caller). Needs edit access to the record.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordIdParam, body: jsonBody(InteractionCreate) },
  responses: { 200: json(InteractionSchema, "The interaction"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await logInteraction(c.var.ctx, c.req.valid("param").record_id, c.req.valid("json")), 200);

export const registerLogInteraction = (r: Router) => r.openapi(route, handler);
