import { createRoute, z } from "@hono/zod-openapi";
import { invalidField, ServiceError } from "../../../platform/errors";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json } from "../../../platform/openapi";
import { triggerByWebhook } from "../service";

const Params = z.object({
  workspace_id: z.string().openapi({ param: { name: "workspace_id", in: "path" }, format: "uuid" }),
  workflow_id: z.string().openapi({ param: { name: "workflow_id", in: "path" }, format: "uuid" }),
  secret: z
    .string()
    .max(200)
    .openapi({ param: { name: "secret", in: "path" } }),
});

const route = createRoute({
  method: "post",
  path: "/api/v1/workflow-hooks/{workspace_id}/{workflow_id}/{secret}",
  tags: ["Workflows"],
  summary: "Start a run from an inbound webhook.",
  description:
    "No authentication: the trigger URL (from the workflow's webhook_url) is the credential. The JSON body is the " +
    "run's input and trigger.data. A webhook-id or Idempotency-Key header makes a retried delivery start nothing " +
    "twice. The run acts as the workflow's owner. 202 with the run's id; any wrong part of the URL is 404.",
  middleware: [limitByIp("token")] as const,
  request: { params: Params },
  responses: {
    202: json(z.object({ id: z.string(), status: z.string(), created_at: z.string(), duplicate: z.boolean() }), "The run started"),
    ...errorResponses(404, 409, 413, 422, 429),
  },
});

const MAX_BODY = 256 * 1024;

const handler: AppRouteHandler<typeof route> = async (c) => {
  const p = c.req.valid("param");
  const text = await c.req.text();
  if (text.length > MAX_BODY) throw new ServiceError("payload_too_large", "The body is larger than 256 KiB");
  let body: unknown = null;
  if (text.trim()) {
    try {
      body = JSON.parse(text);
    } catch {
      throw invalidField(["body"], "The body must be JSON", "json_invalid");
    }
  }
  const r = await triggerByWebhook(c.var.ctx, {
    workspaceId: p.workspace_id,
    workflowId: p.workflow_id,
    secret: p.secret,
    body,
    deliveryId: c.req.header("webhook-id") ?? c.req.header("idempotency-key") ?? null,
  });
  return c.json({ ...r.run, duplicate: r.duplicate }, 202);
};

export const registerTriggerWorkflowWebhook = (r: Router) => r.openapi(route, handler);
