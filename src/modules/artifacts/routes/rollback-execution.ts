import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ExecutionIdParam, ExecutionRollbackBody, ExecutionRollbackResultSchema } from "../schemas";
import { rollbackExecution } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/artifact-actions/executions/{execution_id}/rollback",
  tags: ["Artifact System"],
  summary: "Rollback an execution",
  description:
    "Reverts the changes made by an execution: a new version with the artifact's content from before it (history is kept) and the published pointer as it was (possibly unpublished). Once per execution (409 after); 409 if the artifact changed after the execution unless `force: true`; 409 for an execution that created the artifact. Needs can_publish_artifact.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: {
    headers: WorkspaceHeaderSchema,
    params: ExecutionIdParam,
    // Optional on purpose: a plain rollback needs no options.
    body: { required: false, content: { "application/json": { schema: ExecutionRollbackBody } } },
  },
  responses: {
    200: json(ExecutionRollbackResultSchema, "The rolled-back execution and the artifact"),
    ...errorResponses(401, 403, 404, 409, 422),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await rollbackExecution(c.var.ctx, c.req.valid("param").execution_id, c.req.valid("json")), 200);

export const registerRollbackExecution = (r: Router) => r.openapi(route, handler);
