import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DecisionBody, ProposalIdParam, ProposalSchema } from "../schemas";
import { rejectProposal } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/artifact-actions/proposals/{proposal_id}/reject",
  tags: ["Artifact System"],
  summary: "Reject a proposal",
  description:
    "Rejected proposals are not executed. A proposal is decided once (409 after). Optional `comment`. Needs can_approve_artifact_proposal.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: {
    headers: WorkspaceHeaderSchema,
    params: ProposalIdParam,
    // Optional on purpose: rejecting without a comment is allowed.
    body: { required: false, content: { "application/json": { schema: DecisionBody } } },
  },
  responses: { 200: json(ProposalSchema, "The rejected proposal"), ...errorResponses(401, 403, 404, 409, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await rejectProposal(c.var.ctx, c.req.valid("param").proposal_id, c.req.valid("json")), 200);

export const registerRejectProposal = (r: Router) => r.openapi(route, handler);
