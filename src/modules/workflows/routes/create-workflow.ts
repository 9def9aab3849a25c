import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { WorkflowCreate, WorkflowSchema } from "../schemas";
import { createWorkflow } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/workflows",
  tags: ["Workflows"],
  summary: "Create a workflow (version 1).",
  description:
    "Give exactly one of definition (Atrium's model: nodes, edges, variables, triggers), graph (Logic AI: components, connections, variables) or chain (LiquidCortex/LVNG steps with conditions). Invalid definitions are 422 with one issue per problem, each naming the node and field. With a webhook trigger the answer carries webhook_url, shown only this once. Needs can_create_workflow.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(WorkflowCreate) },
  responses: {
    201: json(WorkflowSchema, "The workflow, with its definition"),
    ...errorResponses(401, 403, 422),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createWorkflow(c.var.ctx, c.req.valid("json")), 201);

export const registerCreateWorkflow = (r: Router) => r.openapi(route, handler);
