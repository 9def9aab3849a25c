import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ApprovalDetailSchema, ApprovalIdParam } from "../schemas";
import { getApproval } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/approvals/{approval_id}",
  tags: ["Approvals"],
  summary: "Get an approval request with its audit trail.",
  description: "404 unless the caller holds can_view_approvals, requested it, or may decide it.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ApprovalIdParam },
  responses: { 200: json(ApprovalDetailSchema, "The approval and its events"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getApproval(c.var.ctx, c.req.valid("param").approval_id), 200);

export const registerGetApproval = (r: Router) => r.openapi(route, handler);
