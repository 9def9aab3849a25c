import { and, desc, eq } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { isUuid, uuidv7 } from "../../../platform/ids";
import { safeFileName } from "../../channels/service/files";
import { requirePermission } from "../../permissions/service";
import { type FileRow, myMemberId, ownedConversation, signedFileUrl, toFile } from "../internal";
import { chatConversations, chatFiles } from "../tables";

export const CHAT_FILE_MAX_BYTES = 25 * 1024 * 1024;
/** Extracted text kept per file; the model gets at most this much of one file. */
export const MAX_EXTRACTED_CHARS = 100_000;

export interface ChatUpload {
  name: string;
  type: string;
  size: number;
  data: Blob;
}

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}(;.{0,200})?$/i;
const TEXT_TYPES = /^(text\/[a-z0-9.+-]+|application\/(json|[a-z0-9.+-]+\+json|x-ndjson|csv|markdown|x-markdown|xml|yaml|x-yaml))(;|$)/i;
const TEXT_EXTENSIONS = /\.(txt|md|markdown|csv|tsv|json|ndjson|log|xml|ya?ml)$/i;

/** Whether the file is one whose text the model can read directly (text, markdown, CSV, JSON, …). */
export function isTextLike(fileName: string, contentType: string): boolean {
  return TEXT_TYPES.test(contentType) || TEXT_EXTENSIONS.test(fileName);
}

/** UTF-8 text of text-like files (capped), else unsupported; invalid UTF-8 or JSON → failed. */
export async function extractText(
  file: ChatUpload,
  fileName: string,
  contentType: string,
): Promise<{ status: "extracted" | "unsupported" | "failed"; text: string | null }> {
  if (!isTextLike(fileName, contentType)) return { status: "unsupported", text: null };
  try {
    // Only the head is read: a 25 MB CSV contributes its first MAX_EXTRACTED_CHARS characters.
    const head = file.data.slice(0, MAX_EXTRACTED_CHARS * 4);
    let text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(await head.arrayBuffer(), {
      stream: head.size < file.size,
    });
    if (text.length > MAX_EXTRACTED_CHARS) text = text.slice(0, MAX_EXTRACTED_CHARS);
    return { status: "extracted", text: text.replaceAll("\u0000", "") };
  } catch {
    return { status: "failed", text: null };
  }
}

/** multipart `file` → R2 at {workspace_id}/chat/{conversation_id}/{uuid}/{name}, text extracted for the model. */
export async function uploadChatFile(ctx: ServiceContext, conversationId: string, file: ChatUpload | undefined) {
  const c = await ownedConversation(ctx, conversationId);
  await requirePermission(ctx, "can_use_ai");
  if (!file) {
    throw new ServiceError("validation_error", "A file is required", {
      issues: [{ loc: ["body", "file"], msg: "Field required", type: "missing" }],
    });
  }
  if (file.size > CHAT_FILE_MAX_BYTES) throw new ServiceError("payload_too_large", "Chat files can be at most 25 MB");
  const fileName = safeFileName(file.name);
  const contentType = MIME.test(file.type) ? file.type : "application/octet-stream";
  const extracted = await extractText(file, fileName, contentType);
  const key = `${ctx.workspace?.id}/chat/${c.id}/${uuidv7()}/${fileName}`;
  await ctx.env.FILES.put(key, file.data, { httpMetadata: { contentType }, customMetadata: { filename: fileName } });
  try {
    const [row] = await ctx.db
      .insert(chatFiles)
      .values({
        conversationId: c.id,
        memberId: c.memberId,
        fileName,
        contentType,
        sizeBytes: file.size,
        r2Key: key,
        extractedText: extracted.text,
        extractionStatus: extracted.status,
      })
      .returning();
    if (!row) throw new ServiceError("internal_error", "File was not saved");
    return toFile(ctx, row);
  } catch (e) {
    // No row, no object: an orphan in R2 would never be listed or deleted.
    await ctx.env.FILES.delete(key);
    throw e;
  }
}

export async function listConversationFiles(ctx: ServiceContext, conversationId: string) {
  const c = await ownedConversation(ctx, conversationId);
  const rows = await ctx.db
    .select()
    .from(chatFiles)
    .where(eq(chatFiles.conversationId, c.id))
    .orderBy(desc(chatFiles.createdAt), desc(chatFiles.id));
  return Promise.all(rows.map((f) => toFile(ctx, f)));
}

/** A file of one of the caller's conversations, else 404. */
async function ownedFile(ctx: ServiceContext, fileId: string): Promise<FileRow> {
  if (!isUuid(fileId)) throw new ServiceError("not_found", "File not found");
  const memberId = await myMemberId(ctx);
  const [row] = await ctx.db
    .select({ f: chatFiles })
    .from(chatFiles)
    .innerJoin(chatConversations, eq(chatConversations.id, chatFiles.conversationId))
    .where(and(eq(chatFiles.id, fileId), eq(chatConversations.memberId, memberId)))
    .limit(1);
  if (!row) throw new ServiceError("not_found", "File not found");
  return row.f;
}

export async function fileDownloadUrl(ctx: ServiceContext, fileId: string) {
  const f = await ownedFile(ctx, fileId);
  const s = await signedFileUrl(ctx, f, true);
  return { file_id: f.id, url: s.url, expires_at: s.expires_at };
}
