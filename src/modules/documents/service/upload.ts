import { requireWithinLimit } from "../../../platform/billing/limits";
import { R2BytesWriter } from "../../../platform/bytes";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { uuidv7 } from "../../../platform/ids";
import { boundaryOf, type FileSink, streamMultipart } from "../../../platform/multipart";
import { safeFileName } from "../../channels/service/files";
import { currentMember } from "../../members/service";
import { requirePermission } from "../../permissions/service";
import { queueIndexing, versionKey } from "../internal";
import { UploadFields } from "../schemas";
import type { LinkEntityType } from "../tables";
import { documentView, insertDocument } from "./crud";
import { resolveLinkTarget } from "./targets";

/** LiquidCortex's limit for one document file. */
export const DOCUMENT_MAX_BYTES = 50 * 1024 * 1024;
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;

export const invalid = (loc: (string | number)[], msg: string) =>
  new ServiceError("validation_error", msg, { issues: [{ loc, msg, type: "value_error" }] });

/** Writes the file to R2 and hashes it on the way (one pass, never buffered whole). */
export class HashingSink implements FileSink {
  private readonly digest = new crypto.DigestStream("SHA-256");
  private readonly hashWriter = this.digest.getWriter();
  constructor(readonly r2: R2BytesWriter) {}
  async write(b: Uint8Array): Promise<void> {
    await this.r2.write(b);
    await this.hashWriter.write(b);
  }
  async sha256(): Promise<string> {
    await this.hashWriter.close();
    return [...new Uint8Array(await this.digest.digest)].map((x) => x.toString(16).padStart(2, "0")).join("");
  }
}

export interface ReceivedFile {
  key: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  fields: Record<string, string>;
}

/**
 * Streams the multipart `file` part of a request into R2 under `keyOf(safe name)`; 413 as soon
 * as it passes 50 MB (before reading a body whose Content-Length already says so), 422 when
 * there is no file or it is empty. The caller owns the stored object: delete it if a later
 * check fails (see discard()).
 */
export async function receiveFile(
  ctx: ServiceContext,
  req: { body: ReadableStream<Uint8Array> | null; contentType: string; contentLength?: number | undefined },
  keyOf: (fileName: string) => string,
): Promise<ReceivedFile> {
  // Multipart framing adds a little; anything beyond cap + 1 MiB cannot fit.
  if (req.contentLength !== undefined && req.contentLength > DOCUMENT_MAX_BYTES + 1024 * 1024) {
    throw new ServiceError("payload_too_large", `The file is larger than ${DOCUMENT_MAX_BYTES / 1048576} MB`);
  }
  const boundary = boundaryOf(req.contentType);
  if (!boundary || !req.body) throw invalid(["body", "file"], "Send multipart/form-data with a `file` field");
  let sink: HashingSink | undefined;
  let meta: { fileName: string; contentType: string } | undefined;
  try {
    const parsed = await streamMultipart(req.body, boundary, DOCUMENT_MAX_BYTES, (m) => {
      const fileName = safeFileName(m.filename);
      const contentType = MIME.test(m.contentType) ? m.contentType.toLowerCase() : "application/octet-stream";
      meta = { fileName, contentType };
      sink = new HashingSink(
        new R2BytesWriter(ctx.env.FILES, keyOf(fileName), { httpMetadata: { contentType }, customMetadata: { filename: fileName } }),
      );
      return sink;
    });
    if (!parsed.file || !sink || !meta) throw invalid(["body", "file"], "Field required");
    await sink.r2.finish();
    if (parsed.file.size === 0) {
      await ctx.env.FILES.delete(sink.r2.key);
      throw invalid(["body", "file"], "The file is empty");
    }
    return { key: sink.r2.key, ...meta, size: parsed.file.size, sha256: await sink.sha256(), fields: parsed.fields };
  } catch (e) {
    await sink?.r2.abort();
    throw e;
  }
}

/** The form fields, validated (422 naming the field). */
export function parseUploadFields(fields: Record<string, string>) {
  const r = UploadFields.safeParse(fields);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw invalid(["body", ...(issue?.path ?? []).map(String)], issue?.message ?? "Invalid form field");
  }
  if ((r.data.entity_type === undefined) !== (r.data.entity_id === undefined))
    throw invalid(["body", "entity_id"], "entity_type and entity_id go together");
  return r.data;
}

/**
 * POST /documents/upload: the file is streamed to R2 as version 1, the document (and its
 * primary link when entity_type/entity_id name something the caller can see) is created, and
 * extraction + indexing is queued. Nothing is kept when any check fails.
 */
export async function uploadDocument(
  ctx: ServiceContext,
  req: { body: ReadableStream<Uint8Array> | null; contentType: string; contentLength?: number | undefined },
) {
  await requirePermission(ctx, "can_create_document");
  const me = await currentMember(ctx);
  // Full storage is refused before a byte goes to R2; the file's own size is checked once known.
  await requireWithinLimit(ctx, "storage", 1);
  const id = uuidv7();
  const file = await receiveFile(ctx, req, (name) => versionKey(id, 1, name));
  try {
    const f = parseUploadFields(file.fields);
    const link = f.entity_type && f.entity_id ? { type: f.entity_type as LinkEntityType, id: f.entity_id } : undefined;
    if (link) await resolveLinkTarget(ctx, link.type, link.id);
    await ctx.db.transaction(async (tx) => {
      await requireWithinLimit(ctx, "storage", file.size, tx);
      await insertDocument(
        tx,
        me.id,
        {
          id,
          title: f.title ?? file.fileName,
          description: f.description,
          category: f.category,
          tags: f.tags,
          folderId: f.folder_id,
          link,
        },
        { fileName: file.fileName, contentType: file.contentType, sizeBytes: file.size, storageKey: file.key, sha256: file.sha256 },
      );
    });
  } catch (e) {
    await ctx.env.FILES.delete(file.key);
    throw e;
  }
  await queueIndexing(ctx, id, 1);
  return documentView(ctx, id, me.id);
}
