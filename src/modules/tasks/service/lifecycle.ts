import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { emitEvent } from "../../../platform/events/outbox";
import { uuidv7 } from "../../../platform/ids";
import { recordActivity } from "../../activity/service";
import { currentMember } from "../../members/service";
import { notify } from "../../notifications/service";
import { assertTaskVisible, assigneeIdsOf, getTaskRow, type TaskRow, toTask, viewOf } from "../internal";
import type { TaskVerify } from "../schemas";
import { taskFiles, taskHistory, tasks } from "../tables";
import { requireEdit, requireVerify } from "./access";
import { taskEventData } from "./events";
import { clearedCompletion } from "./mutations";

/** A file handed to the service by an edge (multipart upload or base64 in JSON). */
export interface TaskUpload {
  fileName: string;
  contentType: string;
  bytes: Uint8Array;
}

const MAX_FILES = 10;
const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** File names as stored: no path parts or control characters, at most 255 characters. */
function cleanName(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const base = (name.split(/[\\/]/).pop() ?? "").replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return (base || "file").slice(0, 255);
}

function validateUploads(files: TaskUpload[], field: string) {
  if (files.length > MAX_FILES) {
    throw new ServiceError("validation_error", `At most ${MAX_FILES} files`, {
      issues: [{ loc: ["body", field], msg: `At most ${MAX_FILES} files`, type: "too_big" }],
    });
  }
  for (const f of files) {
    if (f.bytes.byteLength > MAX_FILE_BYTES) throw new ServiceError("payload_too_large", `"${cleanName(f.fileName)}" is larger than 10 MB`);
  }
}

async function visibleTask(ctx: ServiceContext, taskId: string) {
  const t = await getTaskRow(ctx.db, taskId);
  await assertTaskVisible(ctx, t);
  return t;
}

/**
 * Completes a task with an optional comment and attachments. The files go to R2 first
 * (tasks/<task id>/<file id>); if the task turns out to be completed meanwhile, or the database
 * write fails, they are removed again, so nothing is left half-written.
 */
export async function completeTask({
  ctx,
  taskId,
  comment,
  files,
  filesField = "attachments",
}: {
  ctx: ServiceContext;
  taskId: string;
  comment?: string | undefined;
  files: TaskUpload[];
  filesField?: string;
}) {
  const t = await visibleTask(ctx, taskId);
  await requireEdit(ctx, t);
  if (t.status === "completed") throw new ServiceError("conflict", "The task is already completed");
  validateUploads(files, filesField);
  const actor = await currentMember(ctx);
  const stored = files.map((f) => {
    const id = uuidv7();
    return {
      id,
      taskId: t.id,
      storageKey: `tasks/${t.id}/${id}`,
      fileName: cleanName(f.fileName),
      contentType: f.contentType || "application/octet-stream",
      size: f.bytes.byteLength,
      bytes: f.bytes,
    };
  });
  await Promise.all(
    stored.map((f) =>
      ctx.env.FILES.put(f.storageKey, f.bytes, {
        httpMetadata: { contentType: f.contentType, contentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(f.fileName)}` },
      }),
    ),
  );
  let row: TaskRow;
  try {
    row = await ctx.db.transaction(async (tx) => {
      // Conditional: two concurrent completions cannot both win.
      const [u] = await tx
        .update(tasks)
        .set({
          status: "completed",
          completedAt: new Date(),
          completedByMemberId: actor.id,
          completionComment: comment || null,
          verificationStatus: "pending",
          verifiedAt: null,
          verifiedByMemberId: null,
          verificationComment: null,
        })
        .where(and(eq(tasks.id, t.id), ne(tasks.status, "completed")))
        .returning();
      if (!u) throw new ServiceError("conflict", "The task is already completed");
      if (stored.length > 0) {
        await tx.insert(taskFiles).values(stored.map(({ bytes: _b, ...f }) => ({ ...f, uploadedByMemberId: actor.id })));
      }
      await tx.insert(taskHistory).values([
        {
          taskId: t.id,
          actorMemberId: actor.id,
          action: "completed",
          changes: { status: { from: t.status, to: "completed" } },
          comment: comment || null,
        },
        ...stored.map((f) => ({
          taskId: t.id,
          actorMemberId: actor.id,
          action: "file_attached",
          changes: { file: { from: null, to: f.fileName } },
        })),
      ]);
      await emitEvent(ctx, tx, "task.completed", { task: await taskEventData(tx, u), actor_member_id: actor.id, comment: comment || null });
      return u;
    });
  } catch (e) {
    if (stored.length > 0) await ctx.env.FILES.delete(stored.map((f) => f.storageKey));
    throw e;
  }
  await recordActivity(ctx, {
    type: "task.completed",
    subjectType: "task",
    subjectId: t.id,
    channelId: t.channelId,
    summary: `Task "${t.title}" completed`,
    data: { comment: comment || null, files: stored.length },
  });
  if (row.ownerMemberId) {
    await notify(ctx, {
      recipients: [row.ownerMemberId],
      eventType: "task_completed",
      title: `"${row.title}" was completed`,
      body: comment || null,
      link: `/tasks/${row.id}`,
      data: { task_id: row.id, channel_id: row.channelId },
    });
  }
  return toTask(await viewOf(ctx.db, row));
}

async function reopen(ctx: ServiceContext, t: TaskRow) {
  if (t.status !== "completed" && t.status !== "cancelled")
    throw new ServiceError("conflict", "Only completed or cancelled tasks can be reopened");
  const actor = await currentMember(ctx);
  const row = await ctx.db.transaction(async (tx) => {
    const [u] = await tx
      .update(tasks)
      .set({ status: "todo", ...clearedCompletion })
      .where(and(eq(tasks.id, t.id), inArray(tasks.status, ["completed", "cancelled"])))
      .returning();
    if (!u) throw new ServiceError("conflict", "Only completed or cancelled tasks can be reopened");
    await tx
      .insert(taskHistory)
      .values({ taskId: t.id, actorMemberId: actor.id, action: "reopened", changes: { status: { from: t.status, to: "todo" } } });
    return u;
  });
  await recordActivity(ctx, {
    type: "task.reopened",
    subjectType: "task",
    subjectId: t.id,
    channelId: t.channelId,
    summary: `Task "${t.title}" reopened`,
  });
  return toTask(await viewOf(ctx.db, row));
}

export async function reopenTask(ctx: ServiceContext, taskId: string) {
  const t = await visibleTask(ctx, taskId);
  await requireEdit(ctx, t);
  return reopen(ctx, t);
}

/** Completed → reopened (todo); anything else → completed (no comment, no files). */
export async function toggleTask(ctx: ServiceContext, taskId: string) {
  const t = await visibleTask(ctx, taskId);
  await requireEdit(ctx, t);
  if (t.status === "completed") return reopen(ctx, t);
  return completeTask({ ctx, taskId: t.id, files: [] });
}

/**
 * The owner (or an editor of any task) verifies completed work, or rejects it with a reason:
 * a rejected task goes back to in_progress and the people who did it are told why.
 */
export async function verifyTask({ ctx, taskId, input }: { ctx: ServiceContext; taskId: string; input: TaskVerify }) {
  const t = await visibleTask(ctx, taskId);
  await requireVerify(ctx, t);
  if (t.status !== "completed") throw new ServiceError("conflict", "Only completed tasks can be verified or rejected");
  if (t.verificationStatus === "verified") throw new ServiceError("conflict", "The task is already verified");
  const actor = await currentMember(ctx);
  const verify = input.action === "verify";
  const reason = input.reason ?? null;
  const row = await ctx.db.transaction(async (tx) => {
    const [u] = await tx
      .update(tasks)
      .set(
        verify
          ? { verificationStatus: "verified", verifiedAt: new Date(), verifiedByMemberId: actor.id, verificationComment: reason }
          : {
              ...clearedCompletion,
              status: "in_progress",
              verificationStatus: "rejected",
              verifiedAt: new Date(),
              verifiedByMemberId: actor.id,
              verificationComment: reason,
            },
      )
      .where(and(eq(tasks.id, t.id), eq(tasks.status, "completed"), sql`${tasks.verificationStatus} is distinct from 'verified'`))
      .returning();
    if (!u) throw new ServiceError("conflict", "The task changed meanwhile; reload it and try again");
    await tx.insert(taskHistory).values({
      taskId: t.id,
      actorMemberId: actor.id,
      action: verify ? "verified" : "rejected",
      changes: verify
        ? { verification_status: { from: t.verificationStatus, to: "verified" } }
        : { status: { from: "completed", to: "in_progress" }, verification_status: { from: t.verificationStatus, to: "rejected" } },
      comment: reason,
    });
    return u;
  });
  await recordActivity(ctx, {
    type: verify ? "task.verified" : "task.rejected",
    subjectType: "task",
    subjectId: t.id,
    channelId: t.channelId,
    summary: `Task "${t.title}" ${verify ? "verified" : "rejected"}`,
    data: { reason },
  });
  const doers = [...(t.completedByMemberId ? [t.completedByMemberId] : []), ...(await assigneeIdsOf(ctx.db, t.id))];
  await notify(ctx, {
    recipients: doers,
    eventType: verify ? "task_verified" : "task_rejected",
    title: verify ? `"${t.title}" was verified` : `"${t.title}" was sent back`,
    body: reason,
    link: `/tasks/${t.id}`,
    data: { task_id: t.id, channel_id: t.channelId },
  });
  return toTask(await viewOf(ctx.db, row));
}
