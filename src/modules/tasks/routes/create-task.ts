import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { TaskCreate, TaskSchema } from "../schemas";
import { createTask } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/tasks",
  tags: ["Tasks"],
  summary: "Create a new task.",
  description:
    "Needs can_create_action. With channel_id the task belongs to that channel (you must be able to post there); " +
    "without it, it is standalone. Owner and assignees must be active members (422 otherwise); assignees are " +
    "notified (task_assigned).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(TaskCreate) },
  responses: { 201: json(TaskSchema, "The task"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createTask({ ctx: c.var.ctx, input: c.req.valid("json") }), 201);

export const registerCreateTask = (r: Router) => r.openapi(route, handler);
