import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { WorkflowIdParam, WorkflowSchema, WorkflowUpdate } from "../schemas";
import { updateWorkflow } from "../service";

const route = createRoute({
  method: "patch",
  path: "/api/v1/workflows/{workflow_id}",
  tags: ["Workflows"],
  summary: "Change a workflow; a new definition is a new version.",
  description:
    "name, description and is_active change in place; a definition, graph or chain saves the next version (runs in flight keep theirs). base_version: 409 when someone saved since. Whoever saves a definition becomes the owner that triggered runs act as. Needs can_manage_workflow, or can_edit_own_workflow on your own.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: WorkflowIdParam, body: jsonBody(WorkflowUpdate) },
  responses: {
    200: json(WorkflowSchema, "The workflow"),
    ...errorResponses(401, 403, 404, 409, 422),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateWorkflow(c.var.ctx, c.req.valid("param").workflow_id, c.req.valid("json")), 200);

export const registerUpdateWorkflow = (r: Router) => r.openapi(route, handler);
