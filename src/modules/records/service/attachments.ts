import { and, asc, eq } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { isUuid, uuidv7 } from "../../../platform/ids";
import { signDownloadUrl } from "../../../platform/signed-urls";
import { recordActivity } from "../../activity/service";
import { safeFileName } from "../../channels/service/files";
import { getRecordForActor } from "../internal";
import { recordAttachments } from "../tables";

export const ATTACHMENT_MAX_BYTES = 25 * 1024 * 1024;
const URL_TTL_SECONDS = 15 * 60;
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}(;.{0,200})?$/i;

export interface Upload {
  name: string;
  type: string;
  size: number;
  data: Blob;
}

type AttachmentRow = typeof recordAttachments.$inferSelect;

async function toAttachment(ctx: ServiceContext, a: AttachmentRow) {
  const s = await signDownloadUrl({
    secret: ctx.env.SIGNING_KEY,
    baseUrl: ctx.env.API_URL,
    key: a.storageKey,
    ttlSeconds: URL_TTL_SECONDS,
  });
  return {
    id: a.id,
    record_id: a.recordId,
    file_name: a.fileName,
    content_type: a.contentType,
    size: a.size,
    uploaded_by_member_id: a.uploadedByMemberId,
    url: s.url,
    expires_at: s.expires_at,
    created_at: a.createdAt.toISOString(),
  };
}

/** Whoever can view the record; each with a fresh signed download link. */
export async function listRecordAttachments(ctx: ServiceContext, recordId: string) {
  const { record } = await getRecordForActor(ctx, recordId, "view");
  const rows = await ctx.db
    .select()
    .from(recordAttachments)
    .where(eq(recordAttachments.recordId, record.id))
    .orderBy(asc(recordAttachments.createdAt))
    .limit(500);
  return Promise.all(rows.map((a) => toAttachment(ctx, a)));
}

/** Needs the edit rule on the record; up to 25 MB (413). Stored in R2 under records/<record>/<attachment>/<name>. */
export async function uploadRecordAttachment(ctx: ServiceContext, recordId: string, file: Upload | undefined) {
  const { record, memberId } = await getRecordForActor(ctx, recordId, "edit");
  if (!file) {
    throw new ServiceError("validation_error", "A file is required", {
      issues: [{ loc: ["body", "file"], msg: "Field required", type: "missing" }],
    });
  }
  if (file.size > ATTACHMENT_MAX_BYTES) throw new ServiceError("payload_too_large", "Attachments can be at most 25 MB");
  const fileName = safeFileName(file.name);
  const contentType = MIME.test(file.type) ? file.type : "application/octet-stream";
  const id = uuidv7();
  const key = `records/${record.id}/${id}/${fileName}`;
  await ctx.env.FILES.put(key, file.data, { httpMetadata: { contentType }, customMetadata: { filename: fileName } });
  let row: AttachmentRow;
  try {
    [row] = (await ctx.db
      .insert(recordAttachments)
      .values({ id, recordId: record.id, fileName, contentType, size: file.size, storageKey: key, uploadedByMemberId: memberId })
      .returning()) as [AttachmentRow];
  } catch (e) {
    // No row, no object: an orphan in R2 would never be listed or deleted.
    await ctx.env.FILES.delete(key);
    throw e;
  }
  await recordActivity(ctx, {
    type: "record.attachment_added",
    subjectType: "record",
    subjectId: record.id,
    summary: `Attached ${fileName} to ${record.title ?? "a record"}`,
    data: { attachment_id: id, file_name: fileName, size: file.size },
  });
  return toAttachment(ctx, row);
}

/** Needs the edit rule on the record; removes the R2 object too. */
export async function deleteRecordAttachment(ctx: ServiceContext, recordId: string, attachmentId: string) {
  const { record } = await getRecordForActor(ctx, recordId, "edit");
  const [a] = isUuid(attachmentId)
    ? await ctx.db
        .delete(recordAttachments)
        .where(and(eq(recordAttachments.id, attachmentId), eq(recordAttachments.recordId, record.id)))
        .returning()
    : [];
  if (!a) throw new ServiceError("not_found", "Attachment not found");
  await ctx.env.FILES.delete(a.storageKey);
  await recordActivity(ctx, {
    type: "record.attachment_deleted",
    subjectType: "record",
    subjectId: record.id,
    summary: `Removed ${a.fileName} from ${record.title ?? "a record"}`,
    data: { attachment_id: a.id, file_name: a.fileName },
  });
}
