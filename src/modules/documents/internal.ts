import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../platform/context";
import { documents } from "./tables";

/** Queue message (IMPORTS_QUEUE) that extracts and indexes one version of a document; the knowledge module consumes it. */
export const INDEX_MESSAGE = "document.index";

export interface IndexMessage {
  type: typeof INDEX_MESSAGE;
  request_id: string;
  workspace_id: string;
  document_id: string;
  version: number;
  /** Set when the message belongs to a bulk upload or re-index job (progress on JobProgress). */
  job_id?: string;
}

/**
 * Marks the document's index `queued` and sends the message. Called after the version's row is
 * committed; the consumer is idempotent per (document, version), so a redelivery changes nothing.
 */
export async function queueIndexing(ctx: ServiceContext, documentId: string, version: number, jobId?: string): Promise<void> {
  const workspaceId = ctx.workspace?.id;
  if (!workspaceId) throw new Error("queueIndexing needs a workspace");
  await ctx.db.update(documents).set({ indexStatus: "queued", indexError: null }).where(eq(documents.id, documentId));
  const msg: IndexMessage = {
    type: INDEX_MESSAGE,
    request_id: ctx.requestId,
    workspace_id: workspaceId,
    document_id: documentId,
    version,
    ...(jobId ? { job_id: jobId } : {}),
  };
  await ctx.env.IMPORTS_QUEUE.send(msg);
}
