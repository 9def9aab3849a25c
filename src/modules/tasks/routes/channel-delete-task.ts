import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelTaskParams } from "../schemas";
import { deleteChannelTask } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/channels/{channel_slug}/tasks/{task_id}",
  tags: ["Channels"],
  summary: "Delete a task",
  description: "A task of this channel. Needs can_delete_action, or can_delete_own_action as the task's owner.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelTaskParams },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const p = c.req.valid("param");
  await deleteChannelTask(c.var.ctx, p.channel_slug, p.task_id);
  return c.body(null, 204);
};

export const registerDeleteChannelTask = (r: Router) => r.openapi(route, handler);
