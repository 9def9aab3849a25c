import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelTaskParams, ChannelTaskUpdate, TaskSchema } from "../schemas";
import { updateChannelTask } from "../service";

const route = createRoute({
  method: "put",
  path: "/api/v1/channels/{channel_slug}/tasks/{task_id}",
  tags: ["Channels"],
  summary: "Update a task",
  description:
    "A task of this channel (404 for other channels' tasks or an invisible channel). Needs can_edit_action, or " +
    "can_edit_own_action as the owner or an assignee.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelTaskParams, body: jsonBody(ChannelTaskUpdate) },
  responses: { 200: json(TaskSchema, "The updated task"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const p = c.req.valid("param");
  return c.json(await updateChannelTask({ ctx: c.var.ctx, slug: p.channel_slug, taskId: p.task_id, input: c.req.valid("json") }), 200);
};

export const registerUpdateChannelTask = (r: Router) => r.openapi(route, handler);
