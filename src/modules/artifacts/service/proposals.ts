import { and, count, desc, eq, inArray, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import type { Tx } from "../../../platform/db";
import { conflict, invalidField, ServiceError } from "../../../platform/errors";
import { isAdmin } from "../../../platform/identity/roles";
import { uuidv7 } from "../../../platform/ids";
import { cancelApproval, openApproval } from "../../approvals/internal";
import { currentMember } from "../../members/service";
import { requirePermission } from "../../permissions/service";
import { decideThroughInbox } from "../approvals";
import {
  type ArtifactRow,
  artifactRow,
  executionRow,
  type IntentRow,
  intentRow,
  type ProposalRow,
  prepareContent,
  proposalRow,
  toArtifact,
  toExecution,
  toIntent,
  toProposal,
} from "../internal";
import type { DecisionBody, ExecutionRollbackBody, IntentCreate, ListProposalsQuery, ProposalCreate } from "../schemas";
import {
  type ArtifactFormat,
  type ArtifactState,
  artifactExecutions,
  artifactIntents,
  artifactProposals,
  type Check,
  type IntentAction,
  type IntentParams,
  type PlanStep,
} from "../tables";
import { appendVersion, canEdit, canPublish, canView, insertArtifact, setPublished, versionRow } from "./artifacts";

// ---- intents --------------------------------------------------------------------------------

type IntentInput = Omit<IntentCreate, "action" | "description"> & { action: IntentAction; description: string };

/**
 * Which fields each action needs (422 on `body.<field>` otherwise). The content itself is not
 * judged here: a proposal shows a bad one as a failed check.
 */
function intentParams(i: IntentInput): IntentParams {
  const need = (field: keyof IntentInput, why: string) => {
    if (i[field] === undefined || i[field] === null) throw invalidField(["body", field], `${i.action} needs ${field}: ${why}`, "missing");
  };
  const refuse = (field: keyof IntentInput) => {
    if (i[field] !== undefined) throw invalidField(["body", field], `${field} does not apply to ${i.action}`, "not_applicable");
  };
  switch (i.action) {
    case "create":
      refuse("artifact_id");
      refuse("base_version");
      refuse("version");
      need("name", "the new artifact's name");
      need("content", "its first version");
      break;
    case "update":
      need("artifact_id", "the artifact to change");
      need("content", "the new version's content");
      refuse("version");
      break;
    case "publish":
      need("artifact_id", "the artifact to publish");
      refuse("content");
      refuse("base_version");
      refuse("publish");
      break;
    case "rollback":
      need("artifact_id", "the artifact to roll back");
      need("version", "the version whose content comes back");
      refuse("content");
      break;
  }
  const p: IntentParams = {};
  if (i.action === "create") {
    p.name = i.name as string;
    p.artifact_type = i.artifact_type ?? "generic";
    p.format = i.format ?? (typeof i.content === "string" ? "text" : "json");
    p.artifact_description = i.artifact_description ?? null;
  }
  if (i.content !== undefined) p.content = i.content;
  if (i.change_message != null) p.change_message = i.change_message;
  if (i.base_version !== undefined) p.base_version = i.base_version;
  if (i.version !== undefined) p.version = i.version;
  if (i.action !== "publish") p.publish = i.publish ?? false;
  return p;
}

async function insertIntent(tx: Tx, i: IntentInput, memberId: string): Promise<IntentRow> {
  const params = intentParams(i);
  // An artifact the caller cannot see (unknown, malformed, another workspace's) is a 404 like everywhere else.
  const artifactId = i.artifact_id === undefined ? null : (await artifactRow(tx, i.artifact_id)).id;
  const [row] = await tx
    .insert(artifactIntents)
    .values({ action: i.action, artifactId, description: i.description, params, createdByMemberId: memberId })
    .returning();
  return row as IntentRow;
}

export async function createIntent(ctx: ServiceContext, input: IntentCreate) {
  await canEdit(ctx);
  const me = await currentMember(ctx);
  return toIntent(await ctx.db.transaction((tx) => insertIntent(tx, input, me.id)));
}

// ---- plan and checks ------------------------------------------------------------------------

/** The version an update or rollback is written against: the one named, or the latest when proposed. */
const baseOf = (intent: IntentRow, a: ArtifactRow | null) => intent.params.base_version ?? a?.latestVersion ?? null;

/** Deterministic steps from the intent and the artifact as it is now. */
function planOf(intent: IntentRow, a: ArtifactRow | null, base: number | null): PlanStep[] {
  const p = intent.params;
  const steps: Omit<PlanStep, "step">[] = [];
  const next = (base ?? 0) + 1;
  switch (intent.action) {
    case "create":
      steps.push({
        op: "create_artifact",
        version: 1,
        description: `Create ${p.format} artifact "${p.name}" (type ${p.artifact_type}) with version 1`,
      });
      if (p.publish) steps.push({ op: "publish_version", version: 1, description: "Publish version 1" });
      break;
    case "update":
      steps.push({ op: "create_version", version: next, description: `Add version ${next} with the proposed content (on top of ${base})` });
      if (p.publish) steps.push({ op: "publish_version", version: next, description: `Publish version ${next}` });
      break;
    case "publish": {
      const v = p.version ?? a?.latestVersion ?? 1;
      steps.push({ op: "publish_version", version: v, description: `Publish version ${v}` });
      break;
    }
    case "rollback":
      steps.push({
        op: "create_version",
        version: next,
        content_from_version: p.version as number,
        description: `Add version ${next} with the content of version ${p.version} (history is kept)`,
      });
      if (p.publish) steps.push({ op: "publish_version", version: next, description: `Publish version ${next}` });
      break;
  }
  return steps.map((s, i) => ({ step: i + 1, ...s }));
}

const pass = (name: string, message: string): Check => ({ name, passed: true, message });
const fail = (name: string, message: string): Check => ({ name, passed: false, message });

/**
 * The automatic checks, run when a proposal is made, again when it is approved and again when it
 * is executed (the artifact may have moved on meanwhile): the artifact exists, the change is
 * written against its latest version, the content is valid, and the change changes something.
 */
async function runChecks(tx: Tx, intent: IntentRow, a: ArtifactRow | null, plan: PlanStep[], base: number | null): Promise<Check[]> {
  const p = intent.params;
  const checks: Check[] = [];
  if (intent.action !== "create") {
    if (!a) return [fail("artifact_exists", "The artifact no longer exists")];
    checks.push(pass("artifact_exists", `Artifact "${a.name}" exists`));
  }
  if ((intent.action === "update" || intent.action === "rollback") && a) {
    checks.push(
      base === a.latestVersion
        ? pass("base_version_current", `Written against version ${base}, the latest`)
        : fail("base_version_current", `Stale: written against version ${base}, but the latest is now ${a.latestVersion}`),
    );
  }
  const format: ArtifactFormat = a?.format ?? p.format ?? "json";
  let newHash: string | null = null;
  if (intent.action === "create" || intent.action === "update") {
    const c = await prepareContent(format, p.content);
    checks.push(c.ok ? pass("content_valid", `Valid ${format} content, ${c.size} bytes`) : fail("content_valid", c.reason));
    if (c.ok) newHash = c.hash;
  }
  const target =
    intent.action === "publish" || intent.action === "rollback" ? (plan[0]?.content_from_version ?? plan[0]?.version) : undefined;
  if (a && target !== undefined) {
    const exists = target <= a.latestVersion;
    checks.push(
      exists
        ? pass("version_exists", `Version ${target} exists`)
        : fail("version_exists", `Version ${target} does not exist (latest is ${a.latestVersion})`),
    );
    if (exists && intent.action === "rollback") newHash = (await versionRow(tx, a.id, target))?.contentHash ?? null;
  }
  if (a && intent.action === "publish" && target !== undefined) {
    checks.push(
      a.publishedVersion === target
        ? fail("change_not_empty", `Version ${target} is already published`)
        : pass("change_not_empty", `Version ${target} is not live yet (live: ${a.publishedVersion ?? "none"})`),
    );
  } else if (a && newHash !== null) {
    const latest = await versionRow(tx, a.id, a.latestVersion);
    checks.push(
      latest?.contentHash === newHash
        ? fail("change_not_empty", `No change: the content is the same as version ${a.latestVersion}`)
        : pass("change_not_empty", `The content differs from version ${a.latestVersion}`),
    );
  }
  return checks;
}

const failed = (checks: Check[]) => checks.filter((c) => !c.passed);
const reasons = (checks: Check[]) =>
  failed(checks)
    .map((c) => `${c.name}: ${c.message}`)
    .join("; ");

function titleOf(intent: IntentRow, a: ArtifactRow | null): string {
  const name = a?.name ?? intent.params.name ?? "artifact";
  const v = intent.params.version;
  switch (intent.action) {
    case "create":
      return `Create "${name}"`;
    case "update":
      return `Update "${name}"`;
    case "publish":
      return `Publish "${name}"${v ? ` version ${v}` : ""}`;
    case "rollback":
      return `Roll back "${name}" to version ${v}`;
  }
}

// ---- proposals ------------------------------------------------------------------------------

async function proposalView(db: Tx, p: ProposalRow) {
  const intent = await intentRow(db, p.intentId);
  const [execution] = await db.select().from(artifactExecutions).where(eq(artifactExecutions.proposalId, p.id));
  return toProposal(p, intent, execution ?? null);
}

const INTENT_FIELDS = [
  "action",
  "artifact_id",
  "description",
  "name",
  "artifact_type",
  "format",
  "artifact_description",
  "content",
  "change_message",
  "base_version",
  "version",
  "publish",
] as const;

/** Intent → plan → proposal → checks, in one transaction. Failing checks still make a proposal (it shows why). */
export async function createProposal(ctx: ServiceContext, input: ProposalCreate) {
  await canEdit(ctx);
  const me = await currentMember(ctx);
  const row = await ctx.db.transaction(async (tx) => {
    let intent: IntentRow;
    if (input.intent_id !== undefined) {
      const extra = INTENT_FIELDS.find((f) => input[f] !== undefined);
      if (extra) throw invalidField(["body", extra], "Give either intent_id or the intent's fields, not both", "not_applicable");
      intent = await intentRow(tx, input.intent_id);
      const [taken] = await tx
        .select({ id: artifactProposals.id })
        .from(artifactProposals)
        .where(eq(artifactProposals.intentId, intent.id));
      if (taken) throw conflict(`This intent already has proposal ${taken.id}`);
    } else {
      if (input.action === undefined) throw invalidField(["body", "action"], "Give intent_id, or an action and a description", "missing");
      if (input.description === undefined) throw invalidField(["body", "description"], "Say what should happen and why", "missing");
      intent = await insertIntent(tx, { ...input, action: input.action, description: input.description }, me.id);
    }
    const a = intent.artifactId ? await artifactRow(tx, intent.artifactId) : null;
    const base = intent.action === "create" ? null : baseOf(intent, a);
    const plan = planOf(intent, a, base);
    const checks = await runChecks(tx, intent, a, plan, base);
    const [p] = await tx
      .insert(artifactProposals)
      .values({
        intentId: intent.id,
        artifactId: a?.id ?? null,
        action: intent.action,
        title: input.title ?? titleOf(intent, a),
        plan,
        checks,
        checksPassed: failed(checks).length === 0,
        baseVersion: base,
        proposedByMemberId: me.id,
      })
      .returning();
    const row = p as ProposalRow;
    // Only a proposal that can be approved asks the deciders.
    if (row.checksPassed) {
      await openApproval(ctx, tx, {
        source: "artifact_proposal",
        sourceId: row.id,
        title: `Proposal: ${row.title}`,
        summary: intent.description,
        details: { proposal_id: row.id, action: row.action, artifact_id: row.artifactId, plan: row.plan },
        requestedBy: me.id,
      });
    }
    return row;
  });
  return proposalView(ctx.db, row);
}

export async function listProposals(ctx: ServiceContext, q: ListProposalsQuery) {
  await canView(ctx);
  const where: SQL[] = [];
  if (q.status) where.push(eq(artifactProposals.status, q.status));
  if (q.artifact_id) where.push(eq(artifactProposals.artifactId, q.artifact_id));
  const filter = where.length ? and(...where) : undefined;
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(artifactProposals)
      .where(filter)
      .orderBy(desc(artifactProposals.createdAt), desc(artifactProposals.id))
      .limit(q.limit)
      .offset(q.offset),
    ctx.db.select({ n: count() }).from(artifactProposals).where(filter),
  ]);
  const intentIds = rows.map((r) => r.intentId);
  const ids = rows.map((r) => r.id);
  const [intents, executions] = await Promise.all([
    intentIds.length ? ctx.db.select().from(artifactIntents).where(inArray(artifactIntents.id, intentIds)) : [],
    ids.length ? ctx.db.select().from(artifactExecutions).where(inArray(artifactExecutions.proposalId, ids)) : [],
  ]);
  const intentById = new Map(intents.map((i) => [i.id, i]));
  const execByProposal = new Map(executions.map((e) => [e.proposalId, e]));
  const n = total?.n ?? 0;
  return {
    items: rows.map((p) => toProposal(p, intentById.get(p.intentId) as IntentRow, execByProposal.get(p.id) ?? null)),
    total: n,
    limit: q.limit,
    offset: q.offset,
    has_more: q.offset + rows.length < n,
  };
}

export async function getProposal(ctx: ServiceContext, id: string) {
  await canView(ctx);
  return proposalView(ctx.db, await proposalRow(ctx.db, id));
}

// ---- the decision (the approvals seam) -----------------------------------------------------

export interface ProposalDecision {
  outcome: "approved" | "rejected";
  /** The deciding member, or null for a decision made by the system (the caller authorised it). */
  by: string | null;
  comment?: string | null;
}

/**
 * Decides a pending proposal, once, inside the caller's transaction. HTTP-free: the approve and
 * reject routes call it, and so can an approvals inbox. Every query runs on `tx` (a request's
 * pool has one connection), so the caller may do its own work in the same transaction.
 *
 * - A member decision needs can_approve_artifact_proposal (admins and owners by default).
 * - Nobody approves their own proposal, except owners and admins (who could make the change
 *   directly anyway); rejecting your own is allowed (it withdraws it).
 * - Approval re-runs the checks: a proposal whose checks fail now (stale, invalid) cannot be
 *   approved (409 naming them); it can still be rejected.
 * - A decided proposal (approved, rejected, executed) is a 409.
 */
export async function decideProposal(ctx: ServiceContext, tx: Tx, proposalId: string, d: ProposalDecision): Promise<ProposalRow> {
  if (d.by !== null) await requirePermission(ctx, "can_approve_artifact_proposal", tx);
  const p = await proposalRow(tx, proposalId, true);
  if (p.status !== "pending") throw conflict(`This proposal was already decided (${p.status})`);
  let checks = p.checks;
  if (d.outcome === "approved") {
    if (d.by !== null && d.by === p.proposedByMemberId && !(ctx.workspace && isAdmin(ctx.workspace.role))) {
      throw new ServiceError(
        "forbidden",
        "You cannot approve your own proposal; another approver must (owners and admins may approve their own)",
      );
    }
    const intent = await intentRow(tx, p.intentId);
    const a = p.artifactId ? await artifactRow(tx, p.artifactId).catch(() => null) : null;
    checks = await runChecks(tx, intent, a, p.plan, p.baseVersion);
    if (failed(checks).length) throw conflict(`The proposal's checks fail, so it cannot be approved: ${reasons(checks)}`);
  }
  const [row] = await tx
    .update(artifactProposals)
    .set({
      status: d.outcome,
      checks,
      checksPassed: failed(checks).length === 0,
      decidedByMemberId: d.by,
      decidedAt: new Date(),
      decisionComment: d.comment ?? null,
    })
    .where(eq(artifactProposals.id, p.id))
    .returning();
  return row as ProposalRow;
}

async function decide(ctx: ServiceContext, id: string, outcome: ProposalDecision["outcome"], body: DecisionBody | undefined) {
  await requirePermission(ctx, "can_approve_artifact_proposal");
  if (await decideThroughInbox(ctx, id, outcome, body?.comment ?? null)) return proposalView(ctx.db, await proposalRow(ctx.db, id));
  const me = await currentMember(ctx);
  const row = await ctx.db.transaction(async (tx) => {
    const decided = await decideProposal(ctx, tx, id, { outcome, by: me.id, comment: body?.comment ?? null });
    await cancelApproval(ctx, tx, "artifact_proposal", id);
    return decided;
  });
  return proposalView(ctx.db, row);
}

export const approveProposal = (ctx: ServiceContext, id: string, body?: DecisionBody) => decide(ctx, id, "approved", body);
export const rejectProposal = (ctx: ServiceContext, id: string, body?: DecisionBody) => decide(ctx, id, "rejected", body);

// ---- execution and its rollback -------------------------------------------------------------

const stateOf = (a: ArtifactRow | null): ArtifactState => ({
  latest_version: a?.latestVersion ?? null,
  published_version: a?.publishedVersion ?? null,
});

/**
 * Applies an approved proposal's plan in one transaction, once. The checks run again under the
 * artifact's row lock: if the artifact moved on since approval, nothing is applied, the proposal
 * keeps the failed checks and the answer is a 409 naming them.
 */
export async function executeProposal(ctx: ServiceContext, id: string) {
  await canEdit(ctx);
  const me = await currentMember(ctx);
  const out = await ctx.db.transaction(async (tx) => {
    const p = await proposalRow(tx, id, true);
    if (p.status === "executed") throw conflict("This proposal was already executed");
    if (p.status !== "approved") throw conflict(`Only an approved proposal can be executed; this one is ${p.status}`);
    const intent = await intentRow(tx, p.intentId);
    let a = p.artifactId ? await artifactRow(tx, p.artifactId, true).catch(() => null) : null;
    const checks = await runChecks(tx, intent, a, p.plan, p.baseVersion);
    if (failed(checks).length) {
      await tx.update(artifactProposals).set({ checks, checksPassed: false }).where(eq(artifactProposals.id, p.id));
      return { ok: false as const, failedChecks: checks };
    }
    const before = stateOf(a);
    const executionId = uuidv7();
    const results: { step: number; op: string; version: number }[] = [];
    const params = intent.params;
    for (const step of p.plan) {
      if (step.op === "create_artifact") {
        const format = params.format ?? "json";
        const content = await prepareContent(format, params.content);
        if (!content.ok) throw new ServiceError("internal_error", "Checked content failed to prepare");
        const made = await insertArtifact(
          tx,
          {
            name: params.name ?? "artifact",
            artifactType: params.artifact_type ?? "generic",
            format,
            description: params.artifact_description ?? null,
          },
          { content, changeMessage: params.change_message ?? intent.description, memberId: me.id, executionId },
        );
        a = made.artifact;
        results.push({ step: step.step, op: step.op, version: made.version.version });
      } else if (step.op === "create_version") {
        if (!a) throw new ServiceError("internal_error", "Plan step without an artifact");
        let content: Awaited<ReturnType<typeof prepareContent>>;
        if (step.content_from_version !== undefined) {
          const src = await versionRow(tx, a.id, step.content_from_version);
          if (!src) throw conflict(`Version ${step.content_from_version} no longer exists`);
          content = { ok: true, stored: src.content, hash: src.contentHash, size: src.sizeBytes };
        } else content = await prepareContent(a.format, params.content);
        if (!content.ok) throw new ServiceError("internal_error", "Checked content failed to prepare");
        const made = await appendVersion(tx, a, {
          content,
          changeMessage: params.change_message ?? intent.description,
          memberId: me.id,
          restoredFromVersion: step.content_from_version ?? null,
          executionId,
        });
        a = made.artifact;
        results.push({ step: step.step, op: step.op, version: made.version.version });
      } else {
        if (!a || step.version === undefined) throw new ServiceError("internal_error", "Plan step without an artifact");
        a = await setPublished(ctx, tx, a, step.version, me.id, p.id);
        results.push({ step: step.step, op: step.op, version: step.version });
      }
    }
    if (!a) throw new ServiceError("internal_error", "Execution left no artifact");
    await tx.insert(artifactExecutions).values({
      id: executionId,
      proposalId: p.id,
      artifactId: a.id,
      before,
      after: stateOf(a),
      results,
      executedByMemberId: me.id,
    });
    const [done] = await tx
      .update(artifactProposals)
      .set({ status: "executed", executedAt: new Date(), artifactId: a.id, checks, checksPassed: true })
      .where(eq(artifactProposals.id, p.id))
      .returning();
    return { ok: true as const, proposal: done as ProposalRow };
  });
  if (!out.ok) throw conflict(`The proposal's checks fail now, so nothing was applied: ${reasons(out.failedChecks)}`);
  return proposalView(ctx.db, out.proposal);
}

/**
 * Puts the artifact back as it was before an execution: a NEW version with the earlier latest
 * content (history is kept) and the published pointer restored (null unpublishes). Once per
 * execution; 409 if the artifact changed after it, unless `force`. An execution that created
 * the artifact has no earlier state and is refused (409).
 */
export async function rollbackExecution(ctx: ServiceContext, id: string, body: ExecutionRollbackBody | undefined) {
  await canPublish(ctx);
  const force = body?.force ?? false;
  const me = await currentMember(ctx);
  return ctx.db.transaction(async (tx) => {
    const e = await executionRow(tx, id, true);
    if (e.status === "rolled_back") throw conflict("This execution was already rolled back");
    let a = await artifactRow(tx, e.artifactId, true);
    if (e.before.latest_version === null) {
      throw conflict("This execution created the artifact; there is no earlier state to restore");
    }
    const moved = a.latestVersion !== e.after.latest_version || a.publishedVersion !== e.after.published_version;
    if (moved && !force) {
      throw conflict(
        `The artifact changed after this execution (now latest ${a.latestVersion}, published ${a.publishedVersion ?? "none"}; ` +
          `the execution left ${e.after.latest_version}, ${e.after.published_version ?? "none"}); pass force: true to roll back anyway`,
      );
    }
    let rollbackVersion: number | null = null;
    const beforeLatest = e.before.latest_version;
    if (a.latestVersion !== beforeLatest) {
      const [old, cur] = await Promise.all([versionRow(tx, a.id, beforeLatest), versionRow(tx, a.id, a.latestVersion)]);
      if (!old || !cur) throw new ServiceError("internal_error", "A version of the artifact is missing");
      if (old.contentHash !== cur.contentHash) {
        const made = await appendVersion(tx, a, {
          content: { ok: true, stored: old.content, hash: old.contentHash, size: old.sizeBytes },
          changeMessage: body?.change_message ?? `Rollback of execution ${e.id} (content of version ${beforeLatest})`,
          memberId: me.id,
          restoredFromVersion: beforeLatest,
        });
        a = made.artifact;
        rollbackVersion = made.version.version;
      }
    }
    if (a.publishedVersion !== e.before.published_version) {
      a = await setPublished(ctx, tx, a, e.before.published_version, me.id, e.proposalId);
    }
    const [row] = await tx
      .update(artifactExecutions)
      .set({ status: "rolled_back", rolledBackAt: new Date(), rolledBackByMemberId: me.id, rollbackVersion })
      .where(eq(artifactExecutions.id, e.id))
      .returning();
    return { execution: toExecution(row as typeof e), artifact: toArtifact(a) };
  });
}
