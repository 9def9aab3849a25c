import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ProposalCreate, ProposalSchema } from "../schemas";
import { createProposal } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/artifact-actions/proposals",
  tags: ["Artifact System"],
  summary: "Create a complete proposal (intent → plan → proposal → checks)",
  description:
    "This is the main endpoint for proposing changes. Give an existing `intent_id`, or the intent's fields (as POST …/intents). Plans the steps, runs the automatic checks (artifact exists, written against the latest version, content valid and within 256 KiB, the change changes something) and returns them; a proposal with failing checks is kept (it shows why) but cannot be approved. Needs can_edit_artifact.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(ProposalCreate) },
  responses: { 201: json(ProposalSchema, "The proposal with its plan and checks"), ...errorResponses(401, 403, 404, 409, 413, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createProposal(c.var.ctx, c.req.valid("json")), 201);

export const registerCreateProposal = (r: Router) => r.openapi(route, handler);
