import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelCreate, ChannelSchema } from "../schemas";
import { createChannel } from "../service/management";

const route = createRoute({
  method: "post",
  path: "/api/v1/channels",
  tags: ["Channels"],
  summary: "Create a new channel",
  description:
    "Needs can_create_channel. The slug is made from the name (lower-case words joined by dashes, -2, -3, … when " +
    "taken) and never changes. You become the channel's admin; member_ids join as participants and team_ids get access.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(ChannelCreate) },
  responses: { 201: json(ChannelSchema, "The new channel"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await createChannel({ ctx: c.var.ctx, input: c.req.valid("json") }), 201);

export const registerCreateChannel = (r: Router) => r.openapi(route, handler);
