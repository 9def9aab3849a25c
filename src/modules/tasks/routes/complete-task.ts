import { createRoute, type z } from "@hono/zod-openapi";
import { ServiceError } from "../../../platform/errors";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { TaskCompleteForm, TaskCompleteJson, TaskIdParam, TaskSchema } from "../schemas";
import { completeTask, type TaskUpload } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/tasks/{task_id}/complete",
  tags: ["Tasks"],
  summary: "Mark a task as complete with optional comment and attachments.",
  description:
    "Same rights as editing. The body is optional: JSON with comment and attachments (base64), or multipart with " +
    "comment and one or more files fields. Up to 10 files of 10 MB each, stored in R2 and listed by GET …/files. " +
    "The owner is notified (task_completed); the task waits for verification. 409 if it is already completed.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: {
    headers: WorkspaceHeaderSchema,
    params: TaskIdParam,
    // Optional on purpose: completing without a comment or files is the common case.
    body: {
      required: false,
      content: {
        "application/json": { schema: TaskCompleteJson },
        "multipart/form-data": { schema: TaskCompleteForm },
      },
    },
  },
  responses: { 200: json(TaskSchema, "The completed task"), ...errorResponses(401, 403, 404, 409, 413, 415) },
});

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Multipart `files` (one or many) as uploads; anything that is not a file is a 422. */
async function formFiles(value: unknown): Promise<TaskUpload[]> {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  const out: TaskUpload[] = [];
  for (const [i, f] of list.entries()) {
    if (!(f instanceof File)) {
      throw new ServiceError("validation_error", "Must be a file", {
        issues: [{ loc: ["body", "files", i], msg: "Must be a file", type: "value_error" }],
      });
    }
    out.push({ fileName: f.name, contentType: f.type, bytes: new Uint8Array(await f.arrayBuffer()) });
  }
  return out;
}

const handler: AppRouteHandler<typeof route> = async (c) => {
  const taskId = c.req.valid("param").task_id;
  const multipart = (c.req.header("content-type") ?? "").toLowerCase().startsWith("multipart/");
  if (multipart) {
    // Both content types share one validated-data type in the typings; narrow by the header.
    const form = c.req.valid("form") as z.infer<typeof TaskCompleteForm>;
    const files = await formFiles(form.files);
    return c.json(await completeTask({ ctx: c.var.ctx, taskId, comment: form.comment, files, filesField: "files" }), 200);
  }
  const body = c.req.valid("json") as TaskCompleteJson;
  const files = (body.attachments ?? []).map((a) => ({
    fileName: a.file_name,
    contentType: a.content_type,
    bytes: decodeBase64(a.content_base64),
  }));
  return c.json(await completeTask({ ctx: c.var.ctx, taskId, comment: body.comment, files }), 200);
};

export const registerCompleteTask = (r: Router) => r.openapi(route, handler);
