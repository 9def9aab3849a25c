import { desc, eq, sql } from "drizzle-orm";
import { requireWithinLimit } from "../../../platform/billing/limits";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { uuidv7 } from "../../../platform/ids";
import { members } from "../../members/tables";
import { getDocumentForActor } from "../access";
import { queueIndexing, signedFileUrl } from "../internal";
import { documents, documentVersions } from "../tables";
import { documentView } from "./crud";
import { invalid, receiveFile } from "./upload";

type VersionRow = typeof documentVersions.$inferSelect;
type NewVersion = Pick<VersionRow, "fileName" | "contentType" | "sizeBytes" | "storageKey" | "sha256"> & {
  changeNote: string | null;
  restoredFromVersion: number | null;
};

/** Versions a list returns at most (newest first). */
const MAX_LISTED_VERSIONS = 500;
const MAX_CHANGE_NOTE = 1000;

/**
 * Each stored object gets its own key: the version number is only known under the row lock,
 * after the bytes are in R2, and two uploads racing for the same number must not overwrite
 * each other's object.
 */
const objectKey = (documentId: string, fileName: string) => `documents/${documentId}/${uuidv7()}/${fileName}`;

async function toVersion(ctx: ServiceContext, v: VersionRow & { uploaderName: string | null }, current: number) {
  const signed = await signedFileUrl(ctx, v);
  return {
    id: v.id,
    document_id: v.documentId,
    version_number: v.versionNumber,
    is_current: v.versionNumber === current,
    file_name: v.fileName,
    content_type: v.contentType,
    size_bytes: Number(v.sizeBytes),
    sha256: v.sha256,
    change_note: v.changeNote,
    restored_from_version: v.restoredFromVersion,
    uploaded_by_member_id: v.uploadedByMemberId,
    uploaded_by_name: v.uploaderName,
    url: signed.url as string,
    url_expires_at: signed.expires_at as string,
    created_at: v.createdAt.toISOString(),
  };
}

/**
 * Adds version n+1 and makes it the document's current file, in one transaction under the
 * document's row lock (so concurrent uploads get consecutive numbers). The index is now behind
 * (`stale`) until the caller queues indexing of the new version, after the commit.
 */
async function commitVersion(ctx: ServiceContext, documentId: string, memberId: string, v: NewVersion): Promise<VersionRow> {
  const row = await ctx.db.transaction(async (tx) => {
    await requireWithinLimit(ctx, "storage", v.sizeBytes, tx);
    const [d] = await tx.select({ current: documents.currentVersion }).from(documents).where(eq(documents.id, documentId)).for("update");
    if (!d) throw new ServiceError("not_found", "Document not found");
    const versionNumber = d.current + 1;
    const [inserted] = await tx
      .insert(documentVersions)
      .values({ documentId, versionNumber, uploadedByMemberId: memberId, ...v })
      .returning();
    await tx
      .update(documents)
      .set({
        fileName: v.fileName,
        contentType: v.contentType,
        sizeBytes: v.sizeBytes,
        storageKey: v.storageKey,
        currentVersion: versionNumber,
        status: "uploaded",
        statusError: null,
        indexStatus: "stale",
      })
      .where(eq(documents.id, documentId));
    return inserted as VersionRow;
  });
  return row;
}

async function versionView(ctx: ServiceContext, documentId: string, memberId: string, v: VersionRow) {
  const [uploader] = await ctx.db
    .select({ name: sql<string | null>`coalesce(${members.displayName}, ${members.fullName}, ${members.email})` })
    .from(members)
    .where(eq(members.id, memberId));
  return {
    document: await documentView(ctx, documentId, memberId),
    version: await toVersion(ctx, { ...v, uploaderName: uploader?.name ?? null }, v.versionNumber),
  };
}

/**
 * POST …/versions: multipart `file` (50 MB) and an optional `change_note`. Needs the edit rule on
 * the document. The old versions stay in the history; indexing of the new one is queued.
 */
export async function uploadDocumentVersion(
  ctx: ServiceContext,
  documentId: string,
  req: { body: ReadableStream<Uint8Array> | null; contentType: string; contentLength?: number | undefined },
) {
  const { document, memberId } = await getDocumentForActor(ctx, documentId, "edit");
  await requireWithinLimit(ctx, "storage", 1);
  const file = await receiveFile(ctx, req, (name) => objectKey(document.id, name));
  let row: VersionRow;
  try {
    const note = file.fields.change_note?.trim() || null;
    if (note && note.length > MAX_CHANGE_NOTE) throw invalid(["body", "change_note"], `At most ${MAX_CHANGE_NOTE} characters`);
    row = await commitVersion(ctx, document.id, memberId, {
      fileName: file.fileName,
      contentType: file.contentType,
      sizeBytes: file.size,
      storageKey: file.key,
      sha256: file.sha256,
      changeNote: note,
      restoredFromVersion: null,
    });
  } catch (e) {
    // No version row, no object: an orphan would never be listed or deleted.
    await ctx.env.FILES.delete(file.key);
    throw e;
  }
  // After the commit: the consumer reads the version row.
  await queueIndexing(ctx, document.id, row.versionNumber);
  return versionView(ctx, document.id, memberId, row);
}

/** Whoever sees the document: every version, newest first, with uploader names and signed links. */
export async function listDocumentVersions(ctx: ServiceContext, documentId: string) {
  const { document } = await getDocumentForActor(ctx, documentId, "view");
  const rows = await ctx.db
    .select({
      v: documentVersions,
      uploaderName: sql<string | null>`coalesce(${members.displayName}, ${members.fullName}, ${members.email})`,
    })
    .from(documentVersions)
    .leftJoin(members, eq(members.id, documentVersions.uploadedByMemberId))
    .where(eq(documentVersions.documentId, document.id))
    .orderBy(desc(documentVersions.versionNumber))
    .limit(MAX_LISTED_VERSIONS);
  return {
    document_id: document.id,
    current_version: document.currentVersion,
    versions: await Promise.all(rows.map((r) => toVersion(ctx, { ...r.v, uploaderName: r.uploaderName }, document.currentVersion))),
  };
}

/**
 * POST …/versions/{n}/restore: a new version (n+1 of the history) whose file is a copy of
 * version n's object, so every version keeps owning its own object. Needs the edit rule;
 * restoring the current version is a 409 (nothing would change).
 */
export async function restoreDocumentVersion(ctx: ServiceContext, documentId: string, versionNumber: number) {
  const { document, memberId } = await getDocumentForActor(ctx, documentId, "edit");
  const [old] = await ctx.db
    .select()
    .from(documentVersions)
    .where(sql`${documentVersions.documentId} = ${document.id} and ${documentVersions.versionNumber} = ${versionNumber}`)
    .limit(1);
  if (!old) throw new ServiceError("not_found", "Version not found");
  if (old.versionNumber === document.currentVersion)
    throw new ServiceError("conflict", `Version ${versionNumber} is already the current version`);
  await requireWithinLimit(ctx, "storage", old.sizeBytes);
  const source = await ctx.env.FILES.get(old.storageKey);
  if (!source) throw new ServiceError("not_found", `The stored file of version ${versionNumber} is missing`);
  const key = objectKey(document.id, old.fileName);
  // Streamed copy: R2 needs the length of a streamed body up front, which the source gives.
  const { readable, writable } = new FixedLengthStream(source.size);
  const piped = source.body.pipeTo(writable);
  await Promise.all([
    ctx.env.FILES.put(key, readable, {
      httpMetadata: { contentType: old.contentType },
      customMetadata: { filename: old.fileName },
    }),
    piped,
  ]);
  let row: VersionRow;
  try {
    row = await commitVersion(ctx, document.id, memberId, {
      fileName: old.fileName,
      contentType: old.contentType,
      sizeBytes: old.sizeBytes,
      storageKey: key,
      sha256: old.sha256,
      changeNote: `Restored from version ${old.versionNumber}`,
      restoredFromVersion: old.versionNumber,
    });
  } catch (e) {
    await ctx.env.FILES.delete(key);
    throw e;
  }
  await queueIndexing(ctx, document.id, row.versionNumber);
  return versionView(ctx, document.id, memberId, row);
}
