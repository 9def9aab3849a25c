import { and, count, desc, eq, ilike, isNull, type SQL, sql } from "drizzle-orm";
import { requireWithinLimit } from "../../../platform/billing/limits";
import type { ServiceContext } from "../../../platform/context";
import { decryptSecret, encryptSecret, randomToken } from "../../../platform/crypto";
import { ServiceError } from "../../../platform/errors";
import { isUuid } from "../../../platform/ids";
import { getTool } from "../../agents/tools/registry";
import { currentMember } from "../../members/service";
import { hasPermission, requirePermission } from "../../permissions/service";
import { listComponents } from "../components";
import type { WorkflowDefinition } from "../definition";
import { definitionFrom, notFoundWorkflow, toVersion, toWorkflow, type WorkflowRow } from "../internal";
import { nextRunAfter } from "../schedule";
import type { ListVersionsQuery, ListWorkflowsQuery, ValidateBody, WorkflowCreate, WorkflowUpdate } from "../schemas";
import { workflows, workflowVersions } from "../tables";

const toolExists = (name: string) => getTool(name) !== undefined;

/** A workflow of this workspace (not deleted); malformed and unknown ids are the same 404. */
export async function workflowRow(ctx: ServiceContext, id: string, opts: { deleted?: boolean } = {}): Promise<WorkflowRow> {
  if (!isUuid(id)) throw notFoundWorkflow();
  const [row] = await ctx.db
    .select()
    .from(workflows)
    .where(and(eq(workflows.id, id), opts.deleted ? undefined : isNull(workflows.deletedAt)));
  if (!row) throw notFoundWorkflow();
  return row;
}

export async function versionRow(
  ctx: ServiceContext,
  workflowId: string,
  version: number,
  db: Pick<ServiceContext["db"], "select"> = ctx.db,
) {
  const [v] = await db
    .select()
    .from(workflowVersions)
    .where(and(eq(workflowVersions.workflowId, workflowId), eq(workflowVersions.version, version)));
  if (!v) throw new ServiceError("not_found", "Version not found");
  return v;
}

/** Who may change a workflow: can_manage_workflow, or can_edit_own_workflow on one they created. */
async function requireEditable(ctx: ServiceContext, w: WorkflowRow): Promise<void> {
  if (await hasPermission(ctx, "can_manage_workflow")) return;
  const me = await currentMember(ctx);
  if (w.createdByMemberId === me.id && (await hasPermission(ctx, "can_edit_own_workflow"))) return;
  throw new ServiceError("forbidden", "You may not change this workflow");
}

/** The validated definition of a body, or a 422 naming every node and field at fault. */
function compiled(body: ValidateBody | WorkflowCreate | WorkflowUpdate) {
  const { result, format, source } = definitionFrom(body, { toolExists });
  if (!result.ok) {
    const first = result.issues[0]?.msg ?? "Invalid workflow definition";
    const more = result.issues.length > 1 ? ` (and ${result.issues.length - 1} more)` : "";
    throw new ServiceError("validation_error", `${first}${more}`, { issues: result.issues });
  }
  return { definition: result.definition, source: { format, ...(source === undefined ? {} : { body: source }) } };
}

export async function validateWorkflow(ctx: ServiceContext, body: ValidateBody) {
  await requirePermission(ctx, "can_view_workflow");
  const { result } = definitionFrom(body, { toolExists });
  return result.ok
    ? { valid: true, issues: [], definition: result.definition as unknown as Record<string, unknown> }
    : { valid: false, issues: result.issues, definition: null };
}

export async function components(ctx: ServiceContext, q: { category?: string | undefined; type?: string | undefined }) {
  await requirePermission(ctx, "can_view_workflow");
  return listComponents({ ...(q.category ? { category: q.category } : {}), ...(q.type ? { type: q.type } : {}) });
}

const hasTrigger = (def: WorkflowDefinition, type: string) => def.triggers.some((t) => t.type === type);

/** The next schedule slot of a definition's cron triggers (null without one). */
export function nextSlot(def: WorkflowDefinition, from: Date): Date | null {
  let best: Date | null = null;
  for (const t of def.triggers) {
    if (t.type !== "schedule") continue;
    const n = nextRunAfter(t.cron, t.timezone ?? "UTC", from);
    if (n && (!best || n < best)) best = n;
  }
  return best;
}

/** A fresh inbound-webhook secret, sealed for the row and shown once in the trigger URL. */
async function newWebhookSecret(ctx: ServiceContext) {
  const secret = `wht_${randomToken(24)}`;
  return { secret, sealed: await encryptSecret(ctx.env.ENCRYPTION_KEY, secret) };
}

export function webhookUrl(ctx: ServiceContext, workflowId: string, secret: string): string {
  const ws = ctx.workspace?.id ?? "";
  return `${ctx.env.API_URL.replace(/\/$/, "")}/api/v1/workflow-hooks/${ws}/${workflowId}/${secret}`;
}

export async function webhookSecretOf(ctx: ServiceContext, w: WorkflowRow): Promise<string | null> {
  return w.webhookSecretEncrypted ? decryptSecret(ctx.env.ENCRYPTION_KEY, w.webhookSecretEncrypted) : null;
}

export async function createWorkflow(ctx: ServiceContext, body: WorkflowCreate) {
  await requirePermission(ctx, "can_create_workflow");
  const me = await currentMember(ctx);
  const { definition, source } = compiled(body);
  const hook = hasTrigger(definition, "webhook") ? await newWebhookSecret(ctx) : null;
  const w = await ctx.db.transaction(async (tx) => {
    // Counted under a lock in this transaction: concurrent creates cannot pass the limit together.
    await requireWithinLimit(ctx, "workflows", 1, tx);
    const [row] = await tx
      .insert(workflows)
      .values({
        name: body.name,
        description: body.description ?? null,
        isActive: body.is_active,
        currentVersion: 1,
        ownerMemberId: me.id,
        createdByMemberId: me.id,
        webhookSecretEncrypted: hook?.sealed ?? null,
        nextScheduledAt: body.is_active ? nextSlot(definition, new Date()) : null,
      })
      .returning();
    if (!row) throw new ServiceError("internal_error", "Workflow was not saved");
    await tx.insert(workflowVersions).values({
      workflowId: row.id,
      version: 1,
      definition,
      source,
      message: body.message ?? null,
      createdByMemberId: me.id,
    });
    return row;
  });
  return toWorkflow(w, definition, hook ? webhookUrl(ctx, w.id, hook.secret) : null);
}

export async function listWorkflows(ctx: ServiceContext, q: ListWorkflowsQuery) {
  await requirePermission(ctx, "can_view_workflow");
  const where: (SQL | undefined)[] = [isNull(workflows.deletedAt)];
  if (q.is_active !== undefined) where.push(eq(workflows.isActive, q.is_active));
  if (q.search) where.push(ilike(workflows.name, `%${q.search.replace(/[\\%_]/g, "\\$&")}%`));
  if (q.trigger) {
    where.push(
      sql`exists (select 1 from ${workflowVersions} v where v.workflow_id = ${workflows.id} and v.version = ${workflows.currentVersion}
        and jsonb_path_exists(v.definition, '$.triggers[*] ? (@.type == $t)', jsonb_build_object('t', ${q.trigger}::text)))`,
    );
  }
  const cond = and(...where);
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select({ w: workflows, definition: workflowVersions.definition })
      .from(workflows)
      .innerJoin(
        workflowVersions,
        and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, workflows.currentVersion)),
      )
      .where(cond)
      .orderBy(desc(workflows.updatedAt), desc(workflows.id))
      .offset(q.skip)
      .limit(q.limit),
    ctx.db.select({ n: count() }).from(workflows).where(cond),
  ]);
  return {
    items: rows.map((r) => {
      const { definition: _, ...rest } = toWorkflow(r.w, r.definition);
      return rest;
    }),
    total: total?.n ?? 0,
    skip: q.skip,
    limit: q.limit,
  };
}

export async function getWorkflow(ctx: ServiceContext, id: string) {
  await requirePermission(ctx, "can_view_workflow");
  const w = await workflowRow(ctx, id);
  const v = await versionRow(ctx, w.id, w.currentVersion);
  return toWorkflow(w, v.definition);
}

export async function updateWorkflow(ctx: ServiceContext, id: string, body: WorkflowUpdate) {
  await requirePermission(ctx, "can_view_workflow");
  const w = await workflowRow(ctx, id);
  await requireEditable(ctx, w);
  const me = await currentMember(ctx);
  const next = body.definition !== undefined || body.graph !== undefined || body.chain !== undefined ? compiled(body) : null;
  const result = await ctx.db.transaction(async (tx) => {
    // The row lock orders concurrent saves: each gets the next version number, or a 409 with base_version.
    const [locked] = await tx.select().from(workflows).where(eq(workflows.id, w.id)).for("update");
    if (!locked || locked.deletedAt) throw notFoundWorkflow();
    if (body.base_version !== undefined && body.base_version !== locked.currentVersion) {
      throw new ServiceError("conflict", `Version ${locked.currentVersion} was saved since version ${body.base_version}; reload and retry`);
    }
    const version = next ? locked.currentVersion + 1 : locked.currentVersion;
    let definition: WorkflowDefinition;
    if (next) {
      await tx.insert(workflowVersions).values({
        workflowId: w.id,
        version,
        definition: next.definition,
        source: next.source,
        message: body.message ?? null,
        createdByMemberId: me.id,
      });
      definition = next.definition;
    } else {
      definition = (await versionRow(ctx, w.id, version, tx)).definition;
    }
    const active = body.is_active ?? locked.isActive;
    const addHook = hasTrigger(definition, "webhook") && !locked.webhookSecretEncrypted ? await newWebhookSecret(ctx) : null;
    const [row] = await tx
      .update(workflows)
      .set({
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.description !== undefined ? { description: body.description ?? null } : {}),
        isActive: active,
        currentVersion: version,
        // Triggered runs act as whoever last changed what runs: editing someone's workflow cannot borrow their rights.
        ...(next ? { ownerMemberId: me.id } : {}),
        ...(addHook ? { webhookSecretEncrypted: addHook.sealed } : {}),
        ...(!hasTrigger(definition, "webhook") ? { webhookSecretEncrypted: null } : {}),
        nextScheduledAt: active ? nextSlot(definition, new Date()) : null,
      })
      .where(eq(workflows.id, w.id))
      .returning();
    if (!row) throw notFoundWorkflow();
    return { row, definition, hook: addHook };
  });
  return toWorkflow(result.row, result.definition, result.hook ? webhookUrl(ctx, w.id, result.hook.secret) : null);
}

/** Soft delete: runs in flight finish on their recorded version; new runs and triggers stop. */
export async function deleteWorkflow(ctx: ServiceContext, id: string): Promise<void> {
  await requirePermission(ctx, "can_view_workflow");
  const w = await workflowRow(ctx, id);
  await requireEditable(ctx, w);
  await ctx.db
    .update(workflows)
    .set({ deletedAt: new Date(), isActive: false, nextScheduledAt: null, webhookSecretEncrypted: null })
    .where(eq(workflows.id, w.id));
}

/** A new inbound-webhook secret: the old URL stops working at once. */
export async function rotateWebhookSecret(ctx: ServiceContext, id: string) {
  await requirePermission(ctx, "can_view_workflow");
  const w = await workflowRow(ctx, id);
  await requireEditable(ctx, w);
  const v = await versionRow(ctx, w.id, w.currentVersion);
  if (!hasTrigger(v.definition, "webhook")) {
    throw new ServiceError("conflict", "This workflow has no webhook trigger; add one to its definition first");
  }
  const hook = await newWebhookSecret(ctx);
  const [row] = await ctx.db.update(workflows).set({ webhookSecretEncrypted: hook.sealed }).where(eq(workflows.id, w.id)).returning();
  if (!row) throw notFoundWorkflow();
  return toWorkflow(row, v.definition, webhookUrl(ctx, w.id, hook.secret));
}

export async function listVersions(ctx: ServiceContext, id: string, q: ListVersionsQuery) {
  await requirePermission(ctx, "can_view_workflow");
  const w = await workflowRow(ctx, id);
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(workflowVersions)
      .where(eq(workflowVersions.workflowId, w.id))
      .orderBy(desc(workflowVersions.version))
      .offset(q.skip)
      .limit(q.limit),
    ctx.db.select({ n: count() }).from(workflowVersions).where(eq(workflowVersions.workflowId, w.id)),
  ]);
  return { items: rows.map((v) => toVersion(v, false)), total: total?.n ?? 0, skip: q.skip, limit: q.limit };
}

export async function getVersion(ctx: ServiceContext, id: string, version: number) {
  await requirePermission(ctx, "can_view_workflow");
  const w = await workflowRow(ctx, id);
  return toVersion(await versionRow(ctx, w.id, version), true);
}
