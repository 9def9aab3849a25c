import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { WorkflowIdParam, WorkflowSchema } from "../schemas";
import { getWorkflow } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/workflows/{workflow_id}",
  tags: ["Workflows"],
  summary: "Get a workflow with its current definition.",
  description: "Needs can_view_workflow.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: WorkflowIdParam },
  responses: {
    200: json(WorkflowSchema, "The workflow"),
    ...errorResponses(401, 403, 404),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getWorkflow(c.var.ctx, c.req.valid("param").workflow_id), 200);

export const registerGetWorkflow = (r: Router) => r.openapi(route, handler);
