import { eq } from "drizzle-orm";
import { sha256Hex } from "../../platform/crypto";
import type { Tx } from "../../platform/db";
import { ServiceError } from "../../platform/errors";
import { isUuid } from "../../platform/ids";
import { iso } from "../../platform/openapi";
import { type ArtifactFormat, artifactExecutions, artifactIntents, artifactProposals, artifacts, type artifactVersions } from "./tables";

export type ArtifactRow = typeof artifacts.$inferSelect;
export type VersionRow = typeof artifactVersions.$inferSelect;
export type IntentRow = typeof artifactIntents.$inferSelect;
export type ProposalRow = typeof artifactProposals.$inferSelect;
export type ExecutionRow = typeof artifactExecutions.$inferSelect;

/** Content of one version, in bytes of its stored form (well under the 1 MiB JSON body limit). */
export const MAX_CONTENT_BYTES = 256 * 1024;

const bytes = (s: string) => new TextEncoder().encode(s).length;

/** Sorted keys at every level: two JSON documents that differ only in key order are the same content. */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** What diffs and "no change" are computed on: pretty JSON with sorted keys, or the text itself. */
export function canonical(format: ArtifactFormat, stored: string): string {
  if (format === "text") return stored;
  return `${JSON.stringify(sortKeys(JSON.parse(stored)), null, 2)}\n`;
}

export type Prepared = { ok: true; stored: string; hash: string; size: number } | { ok: false; reason: string };

/**
 * Turns request content into its stored form, or says why it cannot be stored. JSON artifacts
 * take any JSON value; a string given for one is read as JSON text (so clients may send a
 * document they hold as text), and must parse. Text artifacts take a string.
 */
export async function prepareContent(format: ArtifactFormat, content: unknown): Promise<Prepared> {
  if (content === undefined) return { ok: false, reason: "Content is required" };
  let stored: string;
  if (format === "text") {
    if (typeof content !== "string") return { ok: false, reason: "A text artifact's content must be a string" };
    stored = content;
  } else {
    let value = content;
    if (typeof content === "string") {
      try {
        value = JSON.parse(content);
      } catch (e) {
        return { ok: false, reason: `Content is not valid JSON: ${(e as Error).message}` };
      }
    }
    stored = JSON.stringify(value);
  }
  const size = bytes(stored);
  if (size > MAX_CONTENT_BYTES) return { ok: false, reason: `Content is ${size} bytes; the limit is ${MAX_CONTENT_BYTES}` };
  return { ok: true, stored, size, hash: await sha256Hex(canonical(format, stored)) };
}

export const readContent = (format: ArtifactFormat, stored: string): unknown => (format === "json" ? JSON.parse(stored) : stored);

const notFound = (what: string) => new ServiceError("not_found", `${what} not found`);

/** An artifact of this workspace; malformed and unknown ids are the same 404. `lock` takes its row lock. */
export async function artifactRow(db: Tx, id: string, lock = false): Promise<ArtifactRow> {
  if (!isUuid(id)) throw notFound("Artifact");
  const q = db.select().from(artifacts).where(eq(artifacts.id, id));
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw notFound("Artifact");
  return row;
}

export async function proposalRow(db: Tx, id: string, lock = false): Promise<ProposalRow> {
  if (!isUuid(id)) throw notFound("Proposal");
  const q = db.select().from(artifactProposals).where(eq(artifactProposals.id, id));
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw notFound("Proposal");
  return row;
}

export async function intentRow(db: Tx, id: string): Promise<IntentRow> {
  if (!isUuid(id)) throw notFound("Intent");
  const [row] = await db.select().from(artifactIntents).where(eq(artifactIntents.id, id));
  if (!row) throw notFound("Intent");
  return row;
}

export async function executionRow(db: Tx, id: string, lock = false): Promise<ExecutionRow> {
  if (!isUuid(id)) throw notFound("Execution");
  const q = db.select().from(artifactExecutions).where(eq(artifactExecutions.id, id));
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw notFound("Execution");
  return row;
}

// ---- row → API ------------------------------------------------------------------------------

export const toArtifact = (a: ArtifactRow) => ({
  id: a.id,
  name: a.name,
  artifact_type: a.artifactType,
  format: a.format,
  description: a.description,
  latest_version: a.latestVersion,
  published_version: a.publishedVersion,
  status: a.publishedVersion === null ? ("draft" as const) : ("published" as const),
  published_at: iso(a.publishedAt),
  published_by_member_id: a.publishedByMemberId,
  created_by_member_id: a.createdByMemberId,
  created_at: a.createdAt.toISOString(),
  updated_at: a.updatedAt.toISOString(),
});

export const toVersionSummary = (a: ArtifactRow, v: VersionRow) => ({
  version: v.version,
  is_latest: v.version === a.latestVersion,
  is_published: v.version === a.publishedVersion,
  size_bytes: v.sizeBytes,
  content_hash: v.contentHash,
  change_message: v.changeMessage,
  restored_from_version: v.restoredFromVersion,
  execution_id: v.executionId,
  created_by_member_id: v.createdByMemberId,
  created_at: v.createdAt.toISOString(),
});

export const toVersion = (a: ArtifactRow, v: VersionRow) => ({
  ...toVersionSummary(a, v),
  content: readContent(a.format, v.content),
});

/** An artifact with one of its versions, content included: the answer of get, create, new version, publish, rollback. */
export const toArtifactWithVersion = (a: ArtifactRow, v: VersionRow) => ({ ...toArtifact(a), version: toVersion(a, v) });

export const toIntent = (i: IntentRow) => {
  const { content, ...params } = i.params;
  return {
    id: i.id,
    action: i.action,
    artifact_id: i.artifactId,
    description: i.description,
    params: { ...params, has_content: content !== undefined },
    created_by_member_id: i.createdByMemberId,
    created_at: i.createdAt.toISOString(),
  };
};

export const toExecution = (e: ExecutionRow) => ({
  id: e.id,
  proposal_id: e.proposalId,
  artifact_id: e.artifactId,
  status: e.status,
  before: e.before,
  after: e.after,
  results: e.results,
  executed_by_member_id: e.executedByMemberId,
  rolled_back_at: iso(e.rolledBackAt),
  rolled_back_by_member_id: e.rolledBackByMemberId,
  rollback_version: e.rollbackVersion,
  created_at: e.createdAt.toISOString(),
});

export const toProposal = (p: ProposalRow, intent: IntentRow, execution: ExecutionRow | null) => ({
  id: p.id,
  intent: toIntent(intent),
  artifact_id: p.artifactId,
  action: p.action,
  title: p.title,
  status: p.status,
  plan: p.plan,
  checks: p.checks,
  checks_passed: p.checksPassed,
  base_version: p.baseVersion,
  proposed_by_member_id: p.proposedByMemberId,
  decided_by_member_id: p.decidedByMemberId,
  decided_at: iso(p.decidedAt),
  decision_comment: p.decisionComment,
  executed_at: iso(p.executedAt),
  execution: execution ? toExecution(execution) : null,
  created_at: p.createdAt.toISOString(),
  updated_at: p.updatedAt.toISOString(),
});
