import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { getDocumentForActor } from "../access";
import { signedFileUrl } from "../internal";

/**
 * A fresh signed URL of the document's current file (GET …/file redirects to it, …/signed-url
 * returns it). A metadata-only document has no file: 404.
 */
export async function documentFileUrl(ctx: ServiceContext, documentId: string, download = false) {
  const { document } = await getDocumentForActor(ctx, documentId, "view");
  if (!document.storageKey || !document.fileName) throw new ServiceError("not_found", "This document has no file");
  const s = await signedFileUrl(ctx, document, download);
  return {
    url: s.url as string,
    expires_at: s.expires_at as string,
    file_name: document.fileName,
    content_type: document.contentType ?? "application/octet-stream",
  };
}
