import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ApprovalDetailSchema, ApprovalIdParam, DecisionBody } from "../schemas";
import { decideByApi } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/approvals/{approval_id}/approve",
  tags: ["Approvals"],
  summary: "Approve a pending approval request.",
  description:
    "Only a member who may decide it (named deciders; else the listed roles; else holders of can_decide_approval), checked " +
    "now; AI employees and API keys never decide. 403 when the caller sees it but may not decide; 409 once it is decided, " +
    "expired or cancelled.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ApprovalIdParam, body: jsonBody(DecisionBody) },
  responses: { 200: json(ApprovalDetailSchema, "The decided approval"), ...errorResponses(401, 403, 404, 409, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await decideByApi(c.var.ctx, c.req.valid("param").approval_id, "approved", c.req.valid("json").comment), 200);

export const registerApproveApproval = (r: Router) => r.openapi(route, handler);
