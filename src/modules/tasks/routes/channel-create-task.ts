import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelSlugParam, ChannelTaskCreate, TaskSchema } from "../schemas";
import { createChannelTask } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/channels/{channel_slug}/tasks",
  tags: ["Channels"],
  summary: "Create a new task within a channel",
  description:
    "Needs view access to the channel (404 otherwise), posting rights in it and can_create_action (403 otherwise). " +
    "Owner and assignees must be active members (422); assignees are notified (task_assigned).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelSlugParam, body: jsonBody(ChannelTaskCreate) },
  responses: { 201: json(TaskSchema, "The task"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await createChannelTask({ ctx: c.var.ctx, slug: c.req.valid("param").channel_slug, input: c.req.valid("json") }), 201);

export const registerCreateChannelTask = (r: Router) => r.openapi(route, handler);
