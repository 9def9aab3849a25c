import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json, jsonBody } from "../../../platform/openapi";
import { ApprovalLinkViewSchema, LinkDecisionBody, LinkTokenParam } from "../schemas";
import { decideByLink } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/approvals/links/{token}",
  tags: ["Approvals"],
  summary: "Approve or reject through a signed email link.",
  description:
    "No authentication: the token is the credential, for exactly this approval as its decider, while it is pending and not " +
    "expired and the decider still may decide. 404 for an invalid or expired link; 409 once the approval is decided.",
  middleware: [limitByIp("token")] as const,
  request: { params: LinkTokenParam, body: jsonBody(LinkDecisionBody) },
  responses: { 200: json(ApprovalLinkViewSchema, "The decided approval"), ...errorResponses(404, 409, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const body = c.req.valid("json");
  return c.json(await decideByLink(c.var.ctx, c.req.valid("param").token, body.decision, body.comment), 200);
};

export const registerDecideApprovalLink = (r: Router) => r.openapi(route, handler);
