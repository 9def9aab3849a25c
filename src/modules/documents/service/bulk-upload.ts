import type { Entry, FileEntry } from "@zip.js/zip.js";
import { requireWithinLimit } from "../../../platform/billing/limits";
import { R2BytesWriter, R2ZipReader } from "../../../platform/bytes";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { uuidv7 } from "../../../platform/ids";
import { boundaryOf, type FileSink, streamMultipart } from "../../../platform/multipart";
import { safeFileName } from "../../channels/service/files";
import { currentMember } from "../../members/service";
import { requirePermission } from "../../permissions/service";
import { queueIndexing, versionKey } from "../internal";
import type { LinkEntityType } from "../tables";
import { insertDocument } from "./crud";
import { resolveLinkTarget } from "./targets";
import { DOCUMENT_MAX_BYTES, HashingSink, invalid, parseUploadFields } from "./upload";

/** File parts per request. */
export const BULK_MAX_FILES = 50;
/** A .zip as uploaded (its entries are then held to the caps below). */
export const ZIP_MAX_BYTES = 100 * 1024 * 1024;
/** Entries (files) of all archives of one request, and documents created by one request. */
export const BULK_MAX_DOCUMENTS = 500;
/** Uncompressed bytes of all archives of one request: a zip bomb stops here, counted on the bytes actually inflated. */
export const ZIP_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024;
/** Everything the request may store, all parts together. */
export const BULK_MAX_REQUEST_BYTES = 200 * 1024 * 1024;

const ZIP_OPTIONS = { useWebWorkers: false, useCompressionStream: true, checkSignature: true } as const;
// zip.js would refuse the whole archive over one unsafe name; names are judged per entry here
// (unsafePath) so the safe entries still go through and the unsafe ones are reported.
const READER_OPTIONS = { ...ZIP_OPTIONS, filenameValidation: "tolerant" } as const;
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;
const EXT_TYPES: Record<string, string> = {
  pdf: "application/pdf",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  json: "application/json",
  html: "text/html",
  htm: "text/html",
  xml: "application/xml",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  doc: "application/msword",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  zip: "application/zip",
};
const typeOfName = (name: string) => EXT_TYPES[name.split(".").pop()?.toLowerCase() ?? ""] ?? "application/octet-stream";
const isZip = (name: string, contentType: string) =>
  name.toLowerCase().endsWith(".zip") || /^application\/(x-)?zip(-compressed)?$/i.test(contentType);

export interface BulkResult {
  file_name: string;
  /** The archive an entry came from (null for a plain file part). */
  archive: string | null;
  /** The entry's path inside the archive. */
  path: string | null;
  status: "created" | "failed";
  document_id: string | null;
  error: string | null;
}

/** One file part on its way to R2, hashed in the same pass; past its cap it stops storing and is reported. */
class PartSink implements FileSink {
  readonly docId = uuidv7();
  readonly fileName: string;
  readonly contentType: string;
  readonly zip: boolean;
  readonly hashing: HashingSink;
  size = 0;
  tooLarge = false;
  finished = false;

  constructor(
    private readonly ctx: ServiceContext,
    meta: { filename: string; contentType: string },
    private readonly budget: { left: number },
  ) {
    this.fileName = safeFileName(meta.filename);
    this.zip = isZip(this.fileName, meta.contentType);
    const given = MIME.test(meta.contentType) ? meta.contentType.toLowerCase() : "application/octet-stream";
    this.contentType = given === "application/octet-stream" ? typeOfName(this.fileName) : given;
    // An archive is staged under the key its first document would not use; a plain file is stored as its version 1.
    const key = this.zip ? `documents/_bulk/${uuidv7()}/${this.fileName}` : versionKey(this.docId, 1, this.fileName);
    this.hashing = new HashingSink(
      new R2BytesWriter(ctx.env.FILES, key, {
        httpMetadata: { contentType: this.contentType },
        customMetadata: { filename: this.fileName },
      }),
    );
  }

  get cap() {
    return this.zip ? ZIP_MAX_BYTES : DOCUMENT_MAX_BYTES;
  }

  async write(b: Uint8Array): Promise<void> {
    this.budget.left -= b.length;
    if (this.budget.left < 0)
      throw new ServiceError("payload_too_large", `A bulk upload can be at most ${BULK_MAX_REQUEST_BYTES / 1048576} MB`);
    this.size += b.length;
    if (this.tooLarge) return;
    if (this.size > this.cap) {
      // Drop what was stored and skip the rest of this part: the other files still go through.
      this.tooLarge = true;
      await this.hashing.r2.abort();
      return;
    }
    await this.hashing.write(b);
  }

  async end(): Promise<void> {
    if (this.tooLarge) return;
    await this.hashing.r2.finish();
    this.finished = true;
  }

  async discard(): Promise<void> {
    if (this.finished) await this.ctx.env.FILES.delete(this.hashing.r2.key);
    else await this.hashing.r2.abort();
  }
}

/** A path inside an archive that must not become a document: `..` segments, absolute or drive paths. */
const unsafePath = (p: string) =>
  p.startsWith("/") || p.startsWith("\\") || /^[a-z]:/i.test(p) || p.includes("\0") || p.split(/[\\/]/).includes("..");
/** Entries nobody means to upload: folders, macOS resource forks and Finder files. */
const junk = (e: Entry) => e.directory || /(^|\/)__MACOSX\//.test(e.filename) || /(^|\/)\.DS_Store$/.test(e.filename);

interface Shared {
  memberId: string;
  fields: ReturnType<typeof parseUploadFields>;
  link: { type: LinkEntityType; id: string } | undefined;
  results: BulkResult[];
  created: { id: string }[];
  inflated: { left: number };
}

/** The document row, its primary link and version 1, in one transaction; the object is already in R2. */
async function storeDocument(
  ctx: ServiceContext,
  s: Shared,
  id: string,
  file: { key: string; fileName: string; contentType: string; size: number; sha256: string },
): Promise<string | null> {
  try {
    await ctx.db.transaction(async (tx) => {
      await requireWithinLimit(ctx, "storage", file.size, tx);
      await insertDocument(
        tx,
        s.memberId,
        {
          id,
          title: file.fileName,
          description: s.fields.description,
          category: s.fields.category,
          tags: s.fields.tags,
          folderId: s.fields.folder_id,
          link: s.link,
        },
        { fileName: file.fileName, contentType: file.contentType, sizeBytes: file.size, storageKey: file.key, sha256: file.sha256 },
      );
    });
  } catch (e) {
    // Past the storage limit this file fails alone (the caller drops its object).
    if (e instanceof ServiceError && e.code === "limit_exceeded") return e.message;
    throw e;
  }
  s.created.push({ id });
  return null;
}

/** Every entry of one staged archive becomes a document; the archive as a whole is refused when encrypted or over the caps. */
async function extractZip(ctx: ServiceContext, s: Shared, part: PartSink) {
  const fail = (error: string, path: string | null = null, fileName = part.fileName) =>
    s.results.push({ file_name: fileName, archive: part.fileName, path, status: "failed", document_id: null, error });
  const z = await import("@zip.js/zip.js/lib/zip-core-reader.js");
  const reader = new z.ZipReader(
    new R2ZipReader(ctx.env.FILES, part.hashing.r2.key, part.size, () => new Error("The archive is gone")),
    READER_OPTIONS,
  );
  try {
    let entries: Entry[];
    try {
      entries = await reader.getEntries();
    } catch {
      return fail("Not a readable zip archive");
    }
    const files = entries.filter((e): e is FileEntry => !junk(e));
    if (files.some((e) => e.encrypted)) return fail("Encrypted (password-protected) archives are not supported");
    if (s.created.length + files.length > BULK_MAX_DOCUMENTS) {
      return fail(`Too many files: at most ${BULK_MAX_DOCUMENTS} documents per upload`);
    }
    const declared = files.reduce((n, e) => n + e.uncompressedSize, 0);
    if (declared > s.inflated.left) {
      return fail(`The archive unpacks to more than ${ZIP_MAX_UNCOMPRESSED_BYTES / 1048576} MB`);
    }
    for (const entry of files) {
      const path = entry.filename;
      const fileName = safeFileName(path);
      if (unsafePath(path)) {
        fail("Unsafe path in the archive (absolute, or with ..): skipped", path, fileName);
        continue;
      }
      if (entry.uncompressedSize === 0) {
        fail("The file is empty", path, fileName);
        continue;
      }
      if (entry.uncompressedSize > DOCUMENT_MAX_BYTES) {
        fail(`Larger than ${DOCUMENT_MAX_BYTES / 1048576} MB`, path, fileName);
        continue;
      }
      const id = uuidv7();
      const contentType = typeOfName(fileName);
      const sink = new HashingSink(
        new R2BytesWriter(ctx.env.FILES, versionKey(id, 1, fileName), {
          httpMetadata: { contentType },
          customMetadata: { filename: fileName },
        }),
      );
      let size = 0;
      try {
        // Counted on the inflated bytes themselves: declared sizes in a zip can lie.
        const out = new WritableStream<Uint8Array>({
          write: async (chunk) => {
            size += chunk.length;
            s.inflated.left -= chunk.length;
            if (s.inflated.left < 0 || size > DOCUMENT_MAX_BYTES)
              throw new ServiceError("payload_too_large", "The archive unpacks to more than allowed");
            await sink.write(chunk);
          },
        });
        await entry.getData(out, ZIP_OPTIONS);
        await sink.r2.finish();
      } catch (e) {
        await sink.r2.abort();
        if (e instanceof ServiceError && e.code === "payload_too_large") {
          fail(
            `The archive unpacks to more than ${ZIP_MAX_UNCOMPRESSED_BYTES / 1048576} MB, or an entry to more than ${DOCUMENT_MAX_BYTES / 1048576} MB: stopped`,
            path,
            fileName,
          );
          return;
        }
        fail("Could not read this entry (damaged archive?)", path, fileName);
        continue;
      }
      if (size === 0) {
        await ctx.env.FILES.delete(sink.r2.key);
        fail("The file is empty", path, fileName);
        continue;
      }
      let refused: string | null;
      try {
        refused = await storeDocument(ctx, s, id, { key: sink.r2.key, fileName, contentType, size, sha256: await sink.sha256() });
      } catch (e) {
        await ctx.env.FILES.delete(sink.r2.key);
        throw e;
      }
      if (refused) {
        await ctx.env.FILES.delete(sink.r2.key);
        fail(refused, path, fileName);
        continue;
      }
      s.results.push({ file_name: fileName, archive: part.fileName, path, status: "created", document_id: id, error: null });
    }
  } finally {
    await reader.close().catch(() => {});
  }
}

/**
 * POST /documents/upload/bulk: several `file` parts; a .zip part is unpacked and each entry
 * becomes a document. Runs in the request (bounded: 50 parts, 200 MB stored, 500 documents,
 * 200 MB unpacked), so the answer lists every file's document id or error. Shared form fields
 * (category, tags, folder_id, description, entity_type/entity_id for a primary link) apply to
 * every document. Each stored document queues its own indexing. Needs can_create_document.
 */
export async function bulkUploadDocuments(
  ctx: ServiceContext,
  req: { body: ReadableStream<Uint8Array> | null; contentType: string; contentLength?: number | undefined },
) {
  await requirePermission(ctx, "can_create_document");
  const me = await currentMember(ctx);
  await requireWithinLimit(ctx, "storage", 1);
  if (req.contentLength !== undefined && req.contentLength > BULK_MAX_REQUEST_BYTES + 1024 * 1024) {
    throw new ServiceError("payload_too_large", `A bulk upload can be at most ${BULK_MAX_REQUEST_BYTES / 1048576} MB`);
  }
  const boundary = boundaryOf(req.contentType);
  if (!boundary || !req.body) throw invalid(["body", "file"], "Send multipart/form-data with one or more `file` fields");
  const parts: PartSink[] = [];
  const budget = { left: BULK_MAX_REQUEST_BYTES };
  let fields: Record<string, string>;
  try {
    ({ fields } = await streamMultipart(
      req.body,
      boundary,
      // Each part's own cap is enforced by its sink (so one oversized file fails alone).
      BULK_MAX_REQUEST_BYTES,
      (meta) => {
        const p = new PartSink(ctx, meta, budget);
        parts.push(p);
        return p;
      },
      { multiple: { maxFiles: BULK_MAX_FILES } },
    ));
    if (parts.length === 0) throw invalid(["body", "file"], "Field required");
  } catch (e) {
    await Promise.all(parts.map((p) => p.discard()));
    throw e;
  }
  const s: Shared = {
    memberId: me.id,
    fields: undefined as never,
    link: undefined,
    results: [],
    created: [],
    inflated: { left: ZIP_MAX_UNCOMPRESSED_BYTES },
  };
  const staged = new Set(parts);
  try {
    s.fields = parseUploadFields(fields);
    if (s.fields.entity_type && s.fields.entity_id) {
      s.link = { type: s.fields.entity_type as LinkEntityType, id: s.fields.entity_id };
      await resolveLinkTarget(ctx, s.link.type, s.link.id);
    }
    for (const p of parts) {
      const failed = (error: string) => {
        s.results.push({ file_name: p.fileName, archive: null, path: null, status: "failed", document_id: null, error });
      };
      if (p.tooLarge) failed(`Larger than ${p.cap / 1048576} MB`);
      else if (p.size === 0) failed("The file is empty");
      else if (p.zip) await extractZip(ctx, s, p);
      else if (s.created.length >= BULK_MAX_DOCUMENTS) failed(`At most ${BULK_MAX_DOCUMENTS} documents per upload`);
      else {
        const refused = await storeDocument(ctx, s, p.docId, {
          key: p.hashing.r2.key,
          fileName: p.fileName,
          contentType: p.contentType,
          size: p.size,
          sha256: await p.hashing.sha256(),
        });
        if (refused) {
          failed(refused);
          continue;
        }
        staged.delete(p);
        s.results.push({ file_name: p.fileName, archive: null, path: null, status: "created", document_id: p.docId, error: null });
      }
    }
  } finally {
    // Archives (unpacked or refused) and failed plain files leave nothing behind.
    await Promise.all([...staged].map((p) => p.discard()));
    // Every committed document gets indexed, even when a later file failed the request.
    for (const d of s.created) await queueIndexing(ctx, d.id, 1);
  }
  const created = s.results.filter((r) => r.status === "created").length;
  return { total: s.results.length, created, failed: s.results.length - created, results: s.results };
}
