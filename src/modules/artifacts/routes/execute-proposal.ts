import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ProposalIdParam, ProposalSchema } from "../schemas";
import { executeProposal } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/artifact-actions/proposals/{proposal_id}/execute",
  tags: ["Artifact System"],
  summary: "Execute an approved proposal",
  description:
    "Applies the proposed changes to artifacts, in one transaction, and records an execution (state before and after). Only an approved proposal, once (409 otherwise). The checks run again: if the artifact moved on since (stale), nothing is applied and the answer is a 409 naming the failing checks. Needs can_edit_artifact.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ProposalIdParam },
  responses: { 200: json(ProposalSchema, "The executed proposal with its execution"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await executeProposal(c.var.ctx, c.req.valid("param").proposal_id), 200);

export const registerExecuteProposal = (r: Router) => r.openapi(route, handler);
