import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { WorkflowIdParam } from "../schemas";
import { deleteWorkflow } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/workflows/{workflow_id}",
  tags: ["Workflows"],
  summary: "Delete a workflow.",
  description:
    "New runs and triggers stop at once; runs in flight finish on their recorded version, and run history stays readable. Needs can_manage_workflow, or can_edit_own_workflow on your own.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: WorkflowIdParam },
  responses: {
    204: { description: "Deleted" },
    ...errorResponses(401, 403, 404),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await deleteWorkflow(c.var.ctx, c.req.valid("param").workflow_id);
  return c.body(null, 204);
};

export const registerDeleteWorkflow = (r: Router) => r.openapi(route, handler);
