import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ListRunsQuery, RunSchema, WorkflowIdParam } from "../schemas";
import { listWorkflowRuns } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/workflows/{workflow_id}/runs",
  tags: ["Workflows"],
  summary: "A workflow's runs.",
  description:
    "Newest first; filters status, trigger, since, until. You see runs you started and all runs of workflows you created; can_manage_workflow sees every run.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: WorkflowIdParam, query: ListRunsQuery },
  responses: {
    200: json(
      z.object({ items: z.array(RunSchema), total: z.number().int(), skip: z.number().int(), limit: z.number().int() }),
      "One page of runs",
    ),
    ...errorResponses(401, 403, 404, 422),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listWorkflowRuns(c.var.ctx, c.req.valid("param").workflow_id, c.req.valid("query")), 200);

export const registerListWorkflowRuns = (r: Router) => r.openapi(route, handler);
