import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ApprovalSchema, ListApprovalsQuery } from "../schemas";
import { listApprovals } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/approvals",
  tags: ["Approvals"],
  summary: "List approval requests (the approvals inbox).",
  description:
    "Paged with skip/limit (at most 100), newest first. Holders of can_view_approvals see every approval; others see those " +
    "they requested or may decide. `mine=true` keeps only those the caller may decide; `status`, `source` and `requested_by` filter.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListApprovalsQuery },
  responses: { 200: json(z.array(ApprovalSchema), "Approvals"), ...errorResponses(401, 403, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listApprovals(c.var.ctx, c.req.valid("query")), 200);

export const registerListApprovals = (r: Router) => r.openapi(route, handler);
