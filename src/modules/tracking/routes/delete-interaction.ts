import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DeletedSchema, InteractionIdParam } from "../schemas";
import { deleteInteraction } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/tracking/interactions/{interaction_id}",
  tags: ["Record Tracking"],
  summary: "Delete an interaction",
  description: "Removes the interaction from the timeline. Needs edit access to the record.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: InteractionIdParam },
  responses: { 200: json(DeletedSchema, "Deleted"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await deleteInteraction(c.var.ctx, c.req.valid("param").interaction_id), 200);

export const registerDeleteInteraction = (r: Router) => r.openapi(route, handler);
