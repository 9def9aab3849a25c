import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { VersionParam, VersionSchema } from "../schemas";
import { getVersion } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/workflows/{workflow_id}/versions/{version}",
  tags: ["Workflows"],
  summary: "One saved version with its definition.",
  description: "Needs can_view_workflow.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: VersionParam },
  responses: {
    200: json(VersionSchema, "The version"),
    ...errorResponses(401, 403, 404, 422),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await getVersion(c.var.ctx, c.req.valid("param").workflow_id, c.req.valid("param").version), 200);

export const registerGetWorkflowVersion = (r: Router) => r.openapi(route, handler);
