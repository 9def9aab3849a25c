import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ListWorkflowsQuery, WorkflowSchema } from "../schemas";
import { listWorkflows } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/workflows",
  tags: ["Workflows"],
  summary: "List workflows.",
  description:
    "Newest change first, without definitions. Filters: search (name), is_active, trigger (manual, webhook, schedule, event). Needs can_view_workflow.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListWorkflowsQuery },
  responses: {
    200: json(
      z.object({
        items: z.array(WorkflowSchema.omit({ definition: true })),
        total: z.number().int(),
        skip: z.number().int(),
        limit: z.number().int(),
      }),
      "One page of workflows",
    ),
    ...errorResponses(401, 403, 422),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listWorkflows(c.var.ctx, c.req.valid("query")), 200);

export const registerListWorkflows = (r: Router) => r.openapi(route, handler);
