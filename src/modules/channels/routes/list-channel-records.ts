import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelRecordListSchema, ChannelSlugParam, LimitOffsetQuery } from "../schemas";
import { listChannelRecords } from "../service/records";

const route = createRoute({
  method: "get",
  path: "/api/v1/channels/{channel_slug}/records",
  tags: ["Channels"],
  summary: "List all records linked to a channel",
  description: "Newest links first; limit (at most 200) and offset.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelSlugParam, query: LimitOffsetQuery },
  responses: { 200: json(ChannelRecordListSchema, "Linked records"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listChannelRecords(c.var.ctx, c.req.valid("param").channel_slug, c.req.valid("query")), 200);

export const registerListChannelRecords = (r: Router) => r.openapi(route, handler);
