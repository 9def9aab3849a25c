import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RunCreate, RunSchema, WorkflowIdParam } from "../schemas";
import { runWorkflow } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/workflows/{workflow_id}/runs",
  tags: ["Workflows"],
  summary: "Run a workflow.",
  description:
    "async (default): 202 at once with the run, its status_url and stream_url (SSE of node events, resumable by Last-Event-ID). sync: waits up to timeout seconds (≤ 100) and answers 200 with the finished run, or 202 with the run still going — never a 504. callback_url gets a Standard Webhooks signed POST when the run ends (its secret, callback_secret, is in this answer only). Idempotency-Key makes a retried request start nothing twice. The run acts with your rights. Needs can_run_workflow.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: WorkflowIdParam, body: jsonBody(RunCreate) },
  responses: {
    200: json(RunSchema, "The finished run (sync)"),
    202: json(RunSchema, "The run, still going"),
    ...errorResponses(401, 403, 404, 409, 422),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const { done, run } = await runWorkflow(c.var.ctx, c.req.valid("param").workflow_id, c.req.valid("json"));
  return done ? c.json(run, 200) : c.json(run, 202);
};

export const registerRunWorkflow = (r: Router) => r.openapi(route, handler);
