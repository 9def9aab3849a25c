import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ListProposalsQuery, ProposalListSchema } from "../schemas";
import { listProposals } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/artifact-actions/proposals",
  tags: ["Artifact System"],
  summary: "List all proposals",
  description:
    "Returns all proposals with optional filtering by `status` (pending, approved, rejected, executed) and `artifact_id`, newest first, paged with limit/offset. Needs can_view_artifact.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListProposalsQuery },
  responses: { 200: json(ProposalListSchema, "Proposals"), ...errorResponses(401, 403, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listProposals(c.var.ctx, c.req.valid("query")), 200);

export const registerListProposals = (r: Router) => r.openapi(route, handler);
