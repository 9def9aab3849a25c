import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ProposalIdParam, ProposalSchema } from "../schemas";
import { getProposal } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/artifact-actions/proposals/{proposal_id}",
  tags: ["Artifact System"],
  summary: "Get a specific proposal by ID",
  description: "The proposal with its intent, plan, checks, decision and execution. Needs can_view_artifact.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ProposalIdParam },
  responses: { 200: json(ProposalSchema, "The proposal"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getProposal(c.var.ctx, c.req.valid("param").proposal_id), 200);

export const registerGetProposal = (r: Router) => r.openapi(route, handler);
