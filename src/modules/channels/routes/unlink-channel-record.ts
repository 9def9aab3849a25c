import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelRecordParams } from "../schemas";
import { unlinkChannelRecord } from "../service/records";

const route = createRoute({
  method: "delete",
  path: "/api/v1/channels/{channel_slug}/records/{record_id}",
  tags: ["Channels"],
  summary: "Remove a record from a channel",
  description: "Whoever linked it, or a channel manager.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelRecordParams },
  responses: { 204: { description: "Removed" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const { channel_slug, record_id } = c.req.valid("param");
  await unlinkChannelRecord(c.var.ctx, channel_slug, record_id);
  return c.body(null, 204);
};

export const registerUnlinkChannelRecord = (r: Router) => r.openapi(route, handler);
