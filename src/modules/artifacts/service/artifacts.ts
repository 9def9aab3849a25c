import { formatPatch, structuredPatch } from "diff";
import { and, count, desc, eq, ilike, isNotNull, isNull, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import type { Tx } from "../../../platform/db";
import { conflict, invalidField, ServiceError } from "../../../platform/errors";
import { emitEvent } from "../../../platform/events/outbox";
import { currentMember } from "../../members/service";
import { requirePermission } from "../../permissions/service";
import {
  type ArtifactRow,
  artifactRow,
  canonical,
  type Prepared,
  prepareContent,
  toArtifact,
  toArtifactWithVersion,
  toVersionSummary,
  type VersionRow,
} from "../internal";
import type { ArtifactCreate, DiffQuery, HistoryQuery, ListArtifactsQuery, RollbackBody, VersionCreate } from "../schemas";
import { type ArtifactFormat, artifacts, artifactVersions } from "../tables";

/**
 * Reading needs can_view_artifact (every role by default); writing versions can_edit_artifact
 * (members and up); changing what is live directly, can_publish_artifact (admins and owners).
 */
export const canView = (ctx: ServiceContext) => requirePermission(ctx, "can_view_artifact");
export const canEdit = (ctx: ServiceContext) => requirePermission(ctx, "can_edit_artifact");
export const canPublish = (ctx: ServiceContext) => requirePermission(ctx, "can_publish_artifact");

type Ready = Extract<Prepared, { ok: true }>;

/** Content from a request body, or a 422 on `loc` saying what is wrong with it. */
export async function contentOrThrow(format: ArtifactFormat, content: unknown, loc: (string | number)[]): Promise<Ready> {
  const p = await prepareContent(format, content);
  if (!p.ok) throw invalidField(loc, p.reason, content === undefined ? "missing" : "invalid_content");
  return p;
}

export async function versionRow(db: Tx, artifactId: string, version: number): Promise<VersionRow | undefined> {
  const [v] = await db
    .select()
    .from(artifactVersions)
    .where(and(eq(artifactVersions.artifactId, artifactId), eq(artifactVersions.version, version)));
  return v;
}

async function versionOr404(db: Tx, artifactId: string, version: number): Promise<VersionRow> {
  const v = await versionRow(db, artifactId, version);
  if (!v) throw new ServiceError("not_found", `Version ${version} not found`);
  return v;
}

// ---- the write primitives (used by the direct endpoints and by proposal execution) -----------

export interface NewVersion {
  content: Ready;
  changeMessage: string | null;
  memberId: string | null;
  restoredFromVersion?: number | null;
  executionId?: string | null;
}

export async function insertArtifact(
  tx: Tx,
  a: { name: string; artifactType: string; format: ArtifactFormat; description: string | null },
  v: NewVersion,
): Promise<{ artifact: ArtifactRow; version: VersionRow }> {
  const [artifact] = await tx
    .insert(artifacts)
    .values({ ...a, latestVersion: 1, createdByMemberId: v.memberId })
    .returning();
  const version = await insertVersion(tx, artifact as ArtifactRow, 1, v);
  return { artifact: artifact as ArtifactRow, version };
}

async function insertVersion(tx: Tx, a: ArtifactRow, version: number, v: NewVersion): Promise<VersionRow> {
  const [row] = await tx
    .insert(artifactVersions)
    .values({
      artifactId: a.id,
      version,
      content: v.content.stored,
      contentHash: v.content.hash,
      sizeBytes: v.content.size,
      changeMessage: v.changeMessage,
      restoredFromVersion: v.restoredFromVersion ?? null,
      executionId: v.executionId ?? null,
      createdByMemberId: v.memberId,
    })
    .returning();
  return row as VersionRow;
}

/** Adds version latest+1. The caller holds the artifact's row lock, so numbers never collide. */
export async function appendVersion(tx: Tx, a: ArtifactRow, v: NewVersion): Promise<{ artifact: ArtifactRow; version: VersionRow }> {
  const next = a.latestVersion + 1;
  const version = await insertVersion(tx, a, next, v);
  const [artifact] = await tx.update(artifacts).set({ latestVersion: next }).where(eq(artifacts.id, a.id)).returning();
  return { artifact: artifact as ArtifactRow, version };
}

/** Points the artifact's live version at `version` (null unpublishes) and records artifact.published. */
export async function setPublished(
  ctx: ServiceContext,
  tx: Tx,
  a: ArtifactRow,
  version: number | null,
  memberId: string | null,
  proposalId: string | null = null,
): Promise<ArtifactRow> {
  const [row] = await tx
    .update(artifacts)
    .set(
      version === null
        ? { publishedVersion: null, publishedAt: null, publishedByMemberId: null }
        : { publishedVersion: version, publishedAt: new Date(), publishedByMemberId: memberId },
    )
    .where(eq(artifacts.id, a.id))
    .returning();
  const artifact = row as ArtifactRow;
  await emitEvent(ctx, tx, "artifact.published", {
    artifact: {
      id: artifact.id,
      name: artifact.name,
      artifact_type: artifact.artifactType,
      latest_version: artifact.latestVersion,
      published_version: artifact.publishedVersion,
    },
    proposal_id: proposalId,
    actor_member_id: memberId,
  });
  return artifact;
}

// ---- reads ----------------------------------------------------------------------------------

export async function listArtifacts(ctx: ServiceContext, q: ListArtifactsQuery) {
  await canView(ctx);
  const where: SQL[] = [];
  if (q.artifact_type) where.push(eq(artifacts.artifactType, q.artifact_type));
  if (q.status === "draft") where.push(isNull(artifacts.publishedVersion));
  if (q.status === "published") where.push(isNotNull(artifacts.publishedVersion));
  if (q.search) where.push(ilike(artifacts.name, `%${q.search.replace(/[\\%_]/g, (m) => `\\${m}`)}%`));
  if (q.created_by) {
    const by = q.created_by === "me" ? (await currentMember(ctx)).id : q.created_by;
    where.push(eq(artifacts.createdByMemberId, by));
  }
  const onlyLatest = q.only_latest ?? true;
  const join = onlyLatest
    ? and(eq(artifactVersions.artifactId, artifacts.id), eq(artifactVersions.version, artifacts.latestVersion))
    : eq(artifactVersions.artifactId, artifacts.id);
  const filter = where.length ? and(...where) : undefined;
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select({ a: artifacts, v: artifactVersions })
      .from(artifacts)
      .innerJoin(artifactVersions, join)
      .where(filter)
      .orderBy(desc(onlyLatest ? artifacts.updatedAt : artifactVersions.createdAt), desc(artifactVersions.id))
      .limit(q.limit)
      .offset(q.offset),
    ctx.db.select({ n: count() }).from(artifacts).innerJoin(artifactVersions, join).where(filter),
  ]);
  const n = total?.n ?? 0;
  return {
    items: rows.map(({ a, v }) => ({ ...toArtifact(a), version: toVersionSummary(a, v) })),
    total: n,
    limit: q.limit,
    offset: q.offset,
    has_more: q.offset + rows.length < n,
  };
}

/** `latest` (default), `published` or a number. */
export async function getArtifact(ctx: ServiceContext, id: string, selector: string | undefined) {
  await canView(ctx);
  const a = await artifactRow(ctx.db, id);
  let n: number;
  if (selector === undefined || selector === "latest") n = a.latestVersion;
  else if (selector === "published") {
    if (a.publishedVersion === null) throw new ServiceError("not_found", "This artifact has no published version");
    n = a.publishedVersion;
  } else n = Number(selector);
  return toArtifactWithVersion(a, await versionOr404(ctx.db, a.id, n));
}

export async function getHistory(ctx: ServiceContext, id: string, q: HistoryQuery) {
  await canView(ctx);
  const a = await artifactRow(ctx.db, id);
  const rows = await ctx.db
    .select()
    .from(artifactVersions)
    .where(eq(artifactVersions.artifactId, a.id))
    .orderBy(desc(artifactVersions.version))
    .limit(q.limit)
    .offset(q.offset);
  // Versions are 1..latest with no gaps (they are never deleted), so the count is the latest number.
  return {
    artifact_id: a.id,
    latest_version: a.latestVersion,
    published_version: a.publishedVersion,
    items: rows.map((v) => toVersionSummary(a, v)),
    total: a.latestVersion,
    limit: q.limit,
    offset: q.offset,
    has_more: q.offset + rows.length < a.latestVersion,
  };
}

/** Unified diff between two versions (default: the one before `to` → the latest), on the canonical form. */
export async function diffVersions(ctx: ServiceContext, id: string, q: DiffQuery) {
  await canView(ctx);
  const a = await artifactRow(ctx.db, id);
  const to = q.to_version ?? q.to ?? a.latestVersion;
  const from = q.from_version ?? q.from ?? Math.max(1, to - 1);
  const [vf, vt] = await Promise.all([versionOr404(ctx.db, a.id, from), versionOr404(ctx.db, a.id, to)]);
  const patch = structuredPatch(
    `${a.name}@v${from}`,
    `${a.name}@v${to}`,
    canonical(a.format, vf.content),
    canonical(a.format, vt.content),
    undefined,
    undefined,
    { context: q.context },
  );
  let additions = 0;
  let deletions = 0;
  const hunks = patch.hunks.map((h) => {
    for (const l of h.lines) {
      if (l.startsWith("+")) additions++;
      else if (l.startsWith("-")) deletions++;
    }
    return { old_start: h.oldStart, old_lines: h.oldLines, new_start: h.newStart, new_lines: h.newLines, lines: h.lines };
  });
  return {
    artifact_id: a.id,
    format: a.format,
    from_version: from,
    to_version: to,
    identical: vf.contentHash === vt.contentHash,
    additions,
    deletions,
    patch: hunks.length ? formatPatch(patch) : "",
    hunks,
  };
}

// ---- direct writes --------------------------------------------------------------------------

export async function createArtifact(ctx: ServiceContext, input: ArtifactCreate) {
  await canEdit(ctx);
  if (input.publish) await canPublish(ctx);
  const format = input.format ?? (typeof input.content === "string" ? "text" : "json");
  const content = await contentOrThrow(format, input.content, ["body", "content"]);
  const me = await currentMember(ctx);
  return ctx.db.transaction(async (tx) => {
    let { artifact, version } = await insertArtifact(
      tx,
      { name: input.name, artifactType: input.artifact_type, format, description: input.description ?? null },
      { content, changeMessage: input.change_message ?? null, memberId: me.id },
    );
    if (input.publish) artifact = await setPublished(ctx, tx, artifact, 1, me.id);
    return toArtifactWithVersion(artifact, version);
  });
}

function assertBase(a: ArtifactRow, base: number | undefined) {
  if (base !== undefined && base !== a.latestVersion) {
    throw conflict(`base_version ${base} is not the latest version (${a.latestVersion}); fetch the latest and try again`);
  }
}

export async function createVersion(ctx: ServiceContext, id: string, input: VersionCreate) {
  await canEdit(ctx);
  if (input.publish) await canPublish(ctx);
  const me = await currentMember(ctx);
  return ctx.db.transaction(async (tx) => {
    const a = await artifactRow(tx, id, true);
    assertBase(a, input.base_version);
    const content = await contentOrThrow(a.format, input.content, ["body", "content"]);
    const latest = await versionOr404(tx, a.id, a.latestVersion);
    if (latest.contentHash === content.hash) {
      throw invalidField(["body", "content"], `No change: the content is the same as version ${a.latestVersion}`, "no_change");
    }
    let { artifact, version } = await appendVersion(tx, a, { content, changeMessage: input.change_message ?? null, memberId: me.id });
    if (input.publish) artifact = await setPublished(ctx, tx, artifact, version.version, me.id);
    return toArtifactWithVersion(artifact, version);
  });
}

export async function publishArtifact(ctx: ServiceContext, id: string, selector: string | undefined) {
  await canPublish(ctx);
  if (selector === "published") throw invalidField(["query", "version"], "Give a version number or `latest`");
  const me = await currentMember(ctx);
  return ctx.db.transaction(async (tx) => {
    let a = await artifactRow(tx, id, true);
    const n = selector === undefined || selector === "latest" ? a.latestVersion : Number(selector);
    const v = await versionOr404(tx, a.id, n);
    // Publishing the live version again changes nothing (and emits nothing).
    if (a.publishedVersion !== n) a = await setPublished(ctx, tx, a, n, me.id);
    return toArtifactWithVersion(a, v);
  });
}

/** A NEW version with version N's content: history is never rewritten. */
export async function rollbackArtifact(ctx: ServiceContext, id: string, input: RollbackBody) {
  await canEdit(ctx);
  if (input.publish) await canPublish(ctx);
  const me = await currentMember(ctx);
  return ctx.db.transaction(async (tx) => {
    const a = await artifactRow(tx, id, true);
    assertBase(a, input.base_version);
    if (input.version > a.latestVersion) {
      throw invalidField(["body", "version"], `Version ${input.version} does not exist (latest is ${a.latestVersion})`, "unknown_version");
    }
    if (input.version === a.latestVersion) {
      throw invalidField(["body", "version"], `Version ${input.version} is already the latest`, "no_change");
    }
    const target = await versionOr404(tx, a.id, input.version);
    const content: Ready = { ok: true, stored: target.content, hash: target.contentHash, size: target.sizeBytes };
    let { artifact, version } = await appendVersion(tx, a, {
      content,
      changeMessage: input.change_message ?? `Rollback to version ${input.version}`,
      memberId: me.id,
      restoredFromVersion: input.version,
    });
    if (input.publish) artifact = await setPublished(ctx, tx, artifact, version.version, me.id);
    return toArtifactWithVersion(artifact, version);
  });
}
