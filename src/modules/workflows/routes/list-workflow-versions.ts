import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ListVersionsQuery, VersionSchema, WorkflowIdParam } from "../schemas";
import { listVersions } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/workflows/{workflow_id}/versions",
  tags: ["Workflows"],
  summary: "A workflow's version history.",
  description: "Newest first, without definitions. Needs can_view_workflow.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: WorkflowIdParam, query: ListVersionsQuery },
  responses: {
    200: json(
      z.object({ items: z.array(VersionSchema), total: z.number().int(), skip: z.number().int(), limit: z.number().int() }),
      "One page of versions",
    ),
    ...errorResponses(401, 403, 404, 422),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listVersions(c.var.ctx, c.req.valid("param").workflow_id, c.req.valid("query")), 200);

export const registerListWorkflowVersions = (r: Router) => r.openapi(route, handler);
