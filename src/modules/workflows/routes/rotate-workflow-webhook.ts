import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { WorkflowIdParam, WorkflowSchema } from "../schemas";
import { rotateWebhookSecret } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/workflows/{workflow_id}/webhook-secret",
  tags: ["Workflows"],
  summary: "Make a new trigger URL for the webhook trigger.",
  description:
    "The old URL stops working at once; the new one is in webhook_url, shown only in this answer. Needs can_manage_workflow, or can_edit_own_workflow on your own.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: WorkflowIdParam },
  responses: {
    200: json(WorkflowSchema, "The workflow with its new webhook_url"),
    ...errorResponses(401, 403, 404, 409),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await rotateWebhookSecret(c.var.ctx, c.req.valid("param").workflow_id), 200);

export const registerRotateWorkflowWebhook = (r: Router) => r.openapi(route, handler);
