import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { InteractionIdParam, InteractionSchema, InteractionUpdate } from "../schemas";
import { updateInteraction } from "../service";

const route = createRoute({
  method: "put",
  path: "/api/v1/tracking/interactions/{interaction_id}",
  tags: ["Record Tracking"],
  summary: "Update an existing interaction",
  description: "Changes the given fields only. Needs edit access to the record.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: InteractionIdParam, body: jsonBody(InteractionUpdate) },
  responses: { 200: json(InteractionSchema, "The interaction"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateInteraction(c.var.ctx, c.req.valid("param").interaction_id, c.req.valid("json")), 200);

export const registerUpdateInteraction = (r: Router) => r.openapi(route, handler);
