import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordsetSlugParam, ResyncPromotedSchema } from "../schemas";
import { resyncPromoted } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/recordsets/{recordset_slug}/resync-promoted",
  tags: ["Records & CRM / Recordsets"],
  summary: "Resync promoted columns for all records in a recordset",
  description:
    "Recomputes every record's title and search_text from the current fields (batched UPDATEs of 1,000 records). Use it after changing the primary field or other fields. Needs admin rights on the recordset.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetSlugParam },
  responses: { 200: json(ResyncPromotedSchema, "Records updated"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await resyncPromoted(c.var.ctx, c.req.valid("param").recordset_slug), 200);

export const registerResyncPromoted = (r: Router) => r.openapi(route, handler);
