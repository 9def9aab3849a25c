import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelRecordSchema, ChannelRecordsAdd, ChannelSlugParam } from "../schemas";
import { linkChannelRecords } from "../service/records";

const route = createRoute({
  method: "post",
  path: "/api/v1/channels/{channel_slug}/records",
  tags: ["Channels"],
  summary: "Add records to a channel",
  description:
    "record_id or record_ids (UUIDs), with an optional recordset_id and note. Whoever may post (or manage) may link; " +
    "existing links are kept and returned as they are.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelSlugParam, body: jsonBody(ChannelRecordsAdd) },
  responses: { 200: json(z.array(ChannelRecordSchema), "The links named in the request"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await linkChannelRecords({ ctx: c.var.ctx, slug: c.req.valid("param").channel_slug, input: c.req.valid("json") }), 200);

export const registerLinkChannelRecords = (r: Router) => r.openapi(route, handler);
