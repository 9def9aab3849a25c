import { and, desc, eq, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { isUuid, uuidv7 } from "../../../platform/ids";
import { signDownloadUrl, verifyDownload } from "../../../platform/signed-urls";
import { recordActivity } from "../../activity/service";
import { members } from "../../members/tables";
import type { ChannelAccess } from "../internal";
import type { SignedDownloadQuery } from "../schemas";
import { channelFiles } from "../tables";
import { channelFor, requirePost } from "./access";

export const CHANNEL_FILE_MAX_BYTES = 25 * 1024 * 1024;
/** Signed links of channel files live this long (re-minted on every request). */
const SIGNED_URL_TTL_SECONDS = 15 * 60;

/** An uploaded file as the service sees it (the route turns the multipart field into this). */
export interface ChannelUpload {
  name: string;
  type: string;
  size: number;
  data: Blob;
}

type FileRow = typeof channelFiles.$inferSelect & { uploaderName: string | null };

const fileColumns = {
  id: channelFiles.id,
  channelId: channelFiles.channelId,
  uploadedByMemberId: channelFiles.uploadedByMemberId,
  fileName: channelFiles.fileName,
  contentType: channelFiles.contentType,
  sizeBytes: channelFiles.sizeBytes,
  r2Key: channelFiles.r2Key,
  description: channelFiles.description,
  createdAt: channelFiles.createdAt,
  uploaderName: sql<string | null>`coalesce(${members.fullName}, ${members.email})`,
};

function toFile(ctx: ServiceContext, slug: string, f: FileRow) {
  return {
    id: f.id,
    channel_id: f.channelId,
    file_name: f.fileName,
    content_type: f.contentType,
    size_bytes: Number(f.sizeBytes),
    description: f.description,
    uploaded_by_member_id: f.uploadedByMemberId,
    uploaded_by_name: f.uploaderName,
    url: new URL(`/api/v1/channels/${encodeURIComponent(slug)}/files/${f.id}`, ctx.env.API_URL).toString(),
    created_at: f.createdAt.toISOString(),
  };
}

/** A file name safe for a key and a header: last path segment, no control characters, ≤ 200 chars. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const chars = Array.from(base).filter((ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return code >= 0x20 && code !== 0x7f && ch !== '"';
  });
  const capped = chars.join("").replace(/\s+/g, " ").trim();
  const short = Array.from(capped).slice(0, 200).join("").trim();
  return short === "" || short === "." || short === ".." ? "file" : short;
}

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}(;.{0,200})?$/i;

async function fileOf(ctx: ServiceContext, a: ChannelAccess, fileId: string): Promise<FileRow> {
  if (!isUuid(fileId)) throw new ServiceError("not_found", "File not found");
  const [f] = await ctx.db
    .select(fileColumns)
    .from(channelFiles)
    .leftJoin(members, eq(members.id, channelFiles.uploadedByMemberId))
    .where(and(eq(channelFiles.channelId, a.channel.id), eq(channelFiles.id, fileId)))
    .limit(1);
  if (!f) throw new ServiceError("not_found", "File not found");
  return f;
}

export async function listChannelFiles(ctx: ServiceContext, slug: string) {
  const a = await channelFor(ctx, slug);
  const rows = await ctx.db
    .select(fileColumns)
    .from(channelFiles)
    .leftJoin(members, eq(members.id, channelFiles.uploadedByMemberId))
    .where(eq(channelFiles.channelId, a.channel.id))
    .orderBy(desc(channelFiles.createdAt), desc(channelFiles.id));
  return rows.map((f) => toFile(ctx, a.channel.slug, f));
}

/** Whoever may post may upload; stored in R2 under channels/<channel_id>/<uuid>/<file name>. */
export async function uploadChannelFile(
  ctx: ServiceContext,
  slug: string,
  file: ChannelUpload | undefined,
  description: string | undefined,
) {
  const a = await channelFor(ctx, slug);
  requirePost(a);
  if (!file) {
    throw new ServiceError("validation_error", "A file is required", {
      issues: [{ loc: ["body", "file"], msg: "Field required", type: "missing" }],
    });
  }
  if (file.size > CHANNEL_FILE_MAX_BYTES) throw new ServiceError("payload_too_large", "Channel files can be at most 25 MB");
  const fileName = safeFileName(file.name);
  const contentType = MIME.test(file.type) ? file.type : "application/octet-stream";
  const id = uuidv7();
  const key = `channels/${a.channel.id}/${uuidv7()}/${fileName}`;
  await ctx.env.FILES.put(key, file.data, { httpMetadata: { contentType }, customMetadata: { filename: fileName } });
  try {
    await ctx.db.insert(channelFiles).values({
      id,
      channelId: a.channel.id,
      uploadedByMemberId: a.memberId,
      fileName,
      contentType,
      sizeBytes: file.size,
      r2Key: key,
      description: description || null,
    });
  } catch (e) {
    // No row, no object: an orphan in R2 would never be listed or deleted.
    await ctx.env.FILES.delete(key);
    throw e;
  }
  await recordActivity(ctx, {
    type: "channel.file_uploaded",
    subjectType: "channel_file",
    subjectId: id,
    channelId: a.channel.id,
    summary: `Uploaded ${fileName} to #${a.channel.slug}`,
    data: { file_name: fileName, size_bytes: file.size, content_type: contentType },
  });
  return toFile(ctx, a.channel.slug, await fileOf(ctx, a, id));
}

async function signedFor(ctx: ServiceContext, f: FileRow, download: boolean | undefined) {
  return signDownloadUrl({
    secret: ctx.env.SIGNING_KEY,
    baseUrl: ctx.env.API_URL,
    key: f.r2Key,
    ttlSeconds: SIGNED_URL_TTL_SECONDS,
    download: download ?? false,
  });
}

/** The file's metadata and a fresh signed link (the route redirects to it). */
export async function channelFileRedirect(ctx: ServiceContext, slug: string, fileId: string, download?: boolean) {
  const a = await channelFor(ctx, slug);
  const f = await fileOf(ctx, a, fileId);
  const s = await signedFor(ctx, f, download);
  return { ...toFile(ctx, a.channel.slug, f), signed_url: s.url, expires_at: s.expires_at };
}

export async function channelFileSignedUrl(ctx: ServiceContext, slug: string, fileId: string, download?: boolean) {
  const a = await channelFor(ctx, slug);
  return signedFor(ctx, await fileOf(ctx, a, fileId), download);
}

/** The uploader or a channel manager; removes the R2 object too. */
export async function deleteChannelFile(ctx: ServiceContext, slug: string, fileId: string) {
  const a = await channelFor(ctx, slug);
  const f = await fileOf(ctx, a, fileId);
  if (!a.canManage && f.uploadedByMemberId !== a.memberId) {
    throw new ServiceError("forbidden", "Only the uploader and channel managers can delete a file");
  }
  await ctx.db.delete(channelFiles).where(eq(channelFiles.id, f.id));
  await ctx.env.FILES.delete(f.r2Key);
  await recordActivity(ctx, {
    type: "channel.file_deleted",
    subjectType: "channel_file",
    subjectId: f.id,
    channelId: a.channel.id,
    summary: `Deleted ${f.fileName} from #${a.channel.slug}`,
    data: { file_name: f.fileName },
  });
}

// Types a browser may render in place; anything else (HTML, SVG, scripts, …) is always an attachment.
const INLINE_TYPES = /^(image\/(png|jpeg|gif|webp|avif)|application\/pdf|text\/plain|audio\/[a-z0-9.+-]+|video\/[a-z0-9.+-]+)(;|$)/i;

function contentDisposition(kind: "inline" | "attachment", name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * GET /api/v1/files/download: a signed link from any module (channel files today) streamed from
 * R2. The signature is the whole authorisation, so the object key is taken as signed.
 */
export async function downloadSignedFile(ctx: ServiceContext, q: SignedDownloadQuery) {
  const check = await verifyDownload({ secret: ctx.env.SIGNING_KEY, key: q.key, exp: q.exp, sig: q.sig });
  if (check === "invalid") throw new ServiceError("forbidden", "Invalid signature");
  if (check === "expired") throw new ServiceError("forbidden", "This link has expired; ask for a fresh one");
  const obj = await ctx.env.FILES.get(q.key);
  if (!obj) throw new ServiceError("not_found", "File not found");
  const contentType = obj.httpMetadata?.contentType ?? "application/octet-stream";
  const name = obj.customMetadata?.filename ?? q.key.split("/").pop() ?? "file";
  const wantsAttachment = q.download === "1" || q.download === "true";
  const maxAge = Math.max(0, q.exp - Math.floor(Date.now() / 1000));
  return {
    body: obj.body,
    headers: {
      "content-type": contentType,
      "content-length": String(obj.size),
      "content-disposition": contentDisposition(wantsAttachment || !INLINE_TYPES.test(contentType) ? "attachment" : "inline", name),
      etag: obj.httpEtag,
      "cache-control": `private, max-age=${maxAge}`,
      "x-content-type-options": "nosniff",
      // User content on the API's origin: never let it run script or load anything.
      "content-security-policy": "default-src 'none'; sandbox",
    },
  };
}
