import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ListRunsQuery, RunSchema } from "../schemas";
import { listRuns } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/workflow-runs",
  tags: ["Workflows"],
  summary: "Runs of every workflow.",
  description: "Newest first; filters workflow_id, status, trigger, since, until. Same visibility as a workflow's runs.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListRunsQuery },
  responses: {
    200: json(
      z.object({ items: z.array(RunSchema), total: z.number().int(), skip: z.number().int(), limit: z.number().int() }),
      "One page of runs",
    ),
    ...errorResponses(401, 403, 422),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listRuns(c.var.ctx, c.req.valid("query")), 200);

export const registerListRuns = (r: Router) => r.openapi(route, handler);
