import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json } from "../../../platform/openapi";
import { PublicDocumentSchema, PublicShareParam, PublicShareQuery } from "../schemas";
import { openPublicShare } from "../service/shares";

const route = createRoute({
  method: "get",
  path: "/api/v1/documents/public/{workspace_id}/{share_token}",
  tags: ["Documents"],
  summary: "Access a publicly shared document via its share token.",
  description:
    "No credentials: the token is the authorisation (rate limited per IP). 302 to a signed download URL of the document's current file, valid 5 minutes (download=true: as an attachment); metadata=true returns title, file name, type, size, version and dates instead. Unknown, revoked or expired tokens, and tokens of another workspace, are 404.",
  middleware: [limitByIp("read")] as const,
  request: { params: PublicShareParam, query: PublicShareQuery },
  responses: {
    200: json(PublicDocumentSchema, "With metadata=true"),
    302: { description: "Redirect to a signed download URL" },
    ...errorResponses(404, 429),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const p = c.req.valid("param");
  const q = c.req.valid("query");
  const r = await openPublicShare(c.var.ctx, p.workspace_id, p.share_token, {
    metadata: q.metadata === true,
    download: q.download === true,
  });
  c.header("cache-control", "no-store");
  c.header("referrer-policy", "no-referrer");
  if (r.kind === "metadata") return c.json(r.body, 200);
  return c.redirect(r.url, 302);
};

export const registerPublicSharedDocument = (r: Router) => r.openapi(route, handler);
