import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordTaskSchema, TaskIdParam } from "../schemas";
import { completeRecordTask } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/tracking/tasks/{task_id}/complete",
  tags: ["Record Tracking"],
  summary: "Mark a task as complete",
  description:
    "Completes the task (completed_at/by set). Editors of the record and the task's assignee may complete it. Completing a completed task changes nothing; a cancelled task is a 409.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: TaskIdParam },
  responses: { 200: json(RecordTaskSchema, "The task"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await completeRecordTask(c.var.ctx, c.req.valid("param").task_id), 200);

export const registerCompleteRecordTask = (r: Router) => r.openapi(route, handler);
