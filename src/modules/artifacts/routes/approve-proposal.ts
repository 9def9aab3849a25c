import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DecisionBody, ProposalIdParam, ProposalSchema } from "../schemas";
import { approveProposal } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/artifact-actions/proposals/{proposal_id}/approve",
  tags: ["Artifact System"],
  summary: "Approve a proposal",
  description:
    "After approval, the proposal can be executed. The checks run again first: 409 naming the failing ones (e.g. stale). A proposal is decided once (409 after). You cannot approve your own proposal unless you are an owner or admin. Optional `comment`. Needs can_approve_artifact_proposal.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: {
    headers: WorkspaceHeaderSchema,
    params: ProposalIdParam,
    // Optional on purpose: approving without a comment is the common case.
    body: { required: false, content: { "application/json": { schema: DecisionBody } } },
  },
  responses: { 200: json(ProposalSchema, "The approved proposal"), ...errorResponses(401, 403, 404, 409, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await approveProposal(c.var.ctx, c.req.valid("param").proposal_id, c.req.valid("json")), 200);

export const registerApproveProposal = (r: Router) => r.openapi(route, handler);
