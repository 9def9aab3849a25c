import { and, eq, gt, isNull, or, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { randomToken, sha256Hex } from "../../../platform/crypto";
import { ServiceError } from "../../../platform/errors";
import { signDownloadUrl } from "../../../platform/signed-urls";
import { tenantDbForToken } from "../../../platform/tenancy/resolve";
import { downloadSignedFile } from "../../channels/service/files";
import { getDocumentForActor } from "../access";
import type { ShareCreate, UploadPathQuery } from "../schemas";
import { documentShares, documents } from "../tables";

/** The signed link a public share redirects to lives this long: enough to start a download, too short to pass around. */
const PUBLIC_LINK_TTL_SECONDS = 5 * 60;
/** randomToken(32): 32 random bytes, base64url without padding. */
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

const publicUrl = (ctx: ServiceContext, workspaceId: string, token: string) =>
  new URL(`/api/v1/documents/public/${workspaceId}/${token}`, ctx.env.API_URL).toString();

/**
 * internal: a link to the document on the API, which works only with the credentials of someone
 * who can see it (nothing is stored). public: a random 32-byte token, shown once in the URL;
 * only its SHA-256 is stored. A public link hands out the document's file to anyone holding it,
 * so it needs the edit rule on the document (can_edit_document, or own with can_edit_own_document).
 */
export async function createDocumentShare(ctx: ServiceContext, documentId: string, input: ShareCreate) {
  if (input.share_type === "internal") {
    const { document } = await getDocumentForActor(ctx, documentId, "view");
    return {
      id: null,
      document_id: document.id,
      share_type: "internal" as const,
      url: new URL(`/api/v1/documents/${document.id}`, ctx.env.API_URL).toString(),
      expires_at: null,
      created_at: new Date().toISOString(),
    };
  }
  const { document, memberId } = await getDocumentForActor(ctx, documentId, "edit");
  if (!document.storageKey) {
    throw new ServiceError("validation_error", "This document has no file to share publicly", {
      issues: [{ loc: ["body", "share_type"], msg: "This document has no file to share publicly", type: "value_error" }],
    });
  }
  const workspaceId = ctx.workspace?.id as string;
  const token = randomToken(32);
  const expiresAt = input.expires_in_hours ? new Date(Date.now() + input.expires_in_hours * 3600_000) : null;
  const [row] = await ctx.db
    .insert(documentShares)
    .values({ documentId: document.id, tokenHash: await sha256Hex(token), shareType: "public", expiresAt, createdByMemberId: memberId })
    .returning();
  const share = row as typeof documentShares.$inferSelect;
  return {
    id: share.id,
    document_id: document.id,
    share_type: "public" as const,
    url: publicUrl(ctx, workspaceId, token),
    expires_at: share.expiresAt?.toISOString() ?? null,
    created_at: share.createdAt.toISOString(),
  };
}

/** Revokes every live public link of the document (the edit rule, as for creating one). */
export async function revokeDocumentShares(ctx: ServiceContext, documentId: string) {
  const { document } = await getDocumentForActor(ctx, documentId, "edit");
  await ctx.db
    .update(documentShares)
    .set({ revokedAt: new Date() })
    .where(and(eq(documentShares.documentId, document.id), isNull(documentShares.revokedAt)));
}

export type PublicShareResult =
  | { kind: "redirect"; url: string }
  | {
      kind: "metadata";
      body: {
        id: string;
        title: string;
        file_name: string | null;
        content_type: string | null;
        size_bytes: number;
        version: number;
        updated_at: string;
        share_expires_at: string | null;
        download_url: string;
      };
    };

/**
 * GET /documents/public/{workspace_id}/{token}, anonymous. The token is the whole authority: it
 * reads exactly its document's current file (a short-lived signed link) or a few safe fields,
 * nothing else. Unknown, revoked or expired tokens, a token of another workspace, and unknown
 * workspaces are all the same 404.
 */
export async function openPublicShare(
  ctx: ServiceContext,
  workspaceId: string,
  token: string,
  opts: { metadata: boolean; download: boolean },
): Promise<PublicShareResult> {
  const notFound = () => new ServiceError("not_found", "Shared document not found");
  if (!TOKEN_RE.test(token)) throw notFound();
  const db = await tenantDbForToken(ctx, workspaceId);
  if (!db) throw notFound();
  const now = new Date();
  const [row] = await db
    .select({
      id: documents.id,
      title: documents.title,
      fileName: documents.fileName,
      contentType: documents.contentType,
      sizeBytes: documents.sizeBytes,
      storageKey: documents.storageKey,
      currentVersion: documents.currentVersion,
      updatedAt: documents.updatedAt,
      expiresAt: documentShares.expiresAt,
    })
    .from(documentShares)
    .innerJoin(documents, eq(documents.id, documentShares.documentId))
    .where(
      and(
        eq(documentShares.tokenHash, await sha256Hex(token)),
        eq(documentShares.shareType, "public"),
        isNull(documentShares.revokedAt),
        or(isNull(documentShares.expiresAt), gt(documentShares.expiresAt, now)),
      ),
    )
    .limit(1);
  if (!row?.storageKey) throw notFound();
  await db
    .update(documents)
    .set({ accessCount: sql`${documents.accessCount} + 1`, lastAccessedAt: now })
    .where(eq(documents.id, row.id));
  const signed = await signDownloadUrl({
    secret: ctx.env.SIGNING_KEY,
    baseUrl: ctx.env.API_URL,
    key: row.storageKey,
    ttlSeconds: PUBLIC_LINK_TTL_SECONDS,
    download: opts.download,
  });
  if (!opts.metadata) return { kind: "redirect", url: signed.url };
  return {
    kind: "metadata",
    body: {
      id: row.id,
      title: row.title,
      file_name: row.fileName,
      content_type: row.contentType,
      size_bytes: Number(row.sizeBytes),
      version: row.currentVersion,
      updated_at: row.updatedAt.toISOString(),
      share_expires_at: row.expiresAt?.toISOString() ?? null,
      download_url: signed.url,
    },
  };
}

/**
 * GET /api/v1/uploads/{path}: Atrium keeps files in R2, not an uploads directory, so this serves
 * a document object only through an HMAC-signed, unexpired link (the same signature as
 * /files/download). Anything else, including a bad or expired signature, is a 404.
 */
export async function serveUpload(ctx: ServiceContext, path: string, q: UploadPathQuery) {
  const notFound = () => new ServiceError("not_found", "File not found");
  if (!path.startsWith("documents/") || path.split("/").includes("..")) throw notFound();
  try {
    return await downloadSignedFile(ctx, { key: path, exp: q.exp, sig: q.sig, download: q.download });
  } catch (e) {
    if (e instanceof ServiceError && e.code === "forbidden") throw notFound();
    throw e;
  }
}
