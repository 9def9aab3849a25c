import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { IntegrationIdParam, SyncQueuedSchema, SyncRequest } from "../schemas";
import { triggerSync } from "../service/runs";

const route = createRoute({
  method: "post",
  path: "/api/v1/integrations/{integration_id}/sync",
  tags: ["Integrations & Data / Integrations"],
  summary: "Manually trigger a sync for an integration.",
  description:
    "Queues a sync run ({status: queued, job_run_id, estimated_duration}); follow it at stream_url. One run at a time (409); within 5 minutes of the last completed sync, force: true is needed; force also replaces a run that stopped responding (no live consumer for 10 minutes), which is marked FAILED. A run resumes from its saved cursor if interrupted. Needs can_manage_integration.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: IntegrationIdParam, body: jsonBody(SyncRequest) },
  responses: { 200: json(SyncQueuedSchema, "Queued"), ...errorResponses(401, 403, 404, 409, 422, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await triggerSync(c.var.ctx, c.req.valid("param").integration_id, c.req.valid("json")), 200);

export const registerTriggerSync = (r: Router) => r.openapi(route, handler);
