import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json } from "../../../platform/openapi";
import { ApprovalLinkViewSchema, LinkTokenParam } from "../schemas";
import { viewByLink } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/approvals/links/{token}",
  tags: ["Approvals"],
  summary: "See the approval a signed email link was sent for.",
  description:
    "No authentication: the token (one decider, one approval, an expiry, HMAC-signed) is the credential. A forged, tampered " +
    "or expired token, or a decider who may no longer decide, is the same 404.",
  middleware: [limitByIp("token")] as const,
  request: { params: LinkTokenParam },
  responses: { 200: json(ApprovalLinkViewSchema, "The approval's summary"), ...errorResponses(404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await viewByLink(c.var.ctx, c.req.valid("param").token), 200);

export const registerGetApprovalLink = (r: Router) => r.openapi(route, handler);
