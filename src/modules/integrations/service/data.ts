import { and, asc, count, eq, gt, lt, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { stagedRows } from "../../integration-records/tables";
import { DATA_INTEGRATIONS, dataIntegration, type EntityColumn } from "../catalogue";
import type { DataQuery } from "../schemas";
import { requireView } from "./access";

/**
 * Data Retrieval: synced rows (staged_rows) by integration and entity. Two doors to the same
 * data: /api/v1/data… takes an API key (X-API-Key), /api/v1/data/me… a signed-in person
 * (Bearer + X-Workspace-Id); each refuses the other credential.
 */
export type DataAuth = "api_key" | "user";

function requireAuth(ctx: ServiceContext, via: DataAuth) {
  if (ctx.actor.kind === via) return;
  throw new ServiceError(
    "unauthorized",
    via === "api_key"
      ? "This endpoint takes an API key (X-API-Key); signed-in people use /api/v1/data/me/…"
      : "This endpoint takes a bearer access token with X-Workspace-Id; API keys use /api/v1/data/…",
  );
}

export async function supportedIntegrations(ctx: ServiceContext, via: DataAuth) {
  requireAuth(ctx, via);
  await requireView(ctx);
  return { integrations: DATA_INTEGRATIONS };
}

function integrationOrThrow(name: string) {
  const d = dataIntegration(name);
  if (!d) throw new ServiceError("not_found", `Integration ${name} is not supported; use one of: ${DATA_INTEGRATIONS.join(", ")}`);
  return d;
}

export async function entityTypes(ctx: ServiceContext, via: DataAuth, name: string) {
  requireAuth(ctx, via);
  await requireView(ctx);
  const d = integrationOrThrow(name);
  return {
    integration_name: name,
    entities: d.entities.map((e) => ({ name: e.name, display_name: e.display_name, table_name: e.table_name })),
  };
}

const SYS_COLUMNS: EntityColumn[] = [
  { name: "sys_created_at", type: "TIMESTAMP", nullable: false },
  { name: "sys_updated_at", type: "TIMESTAMP", nullable: false },
];

/**
 * One page of an entity: rows in first-synced order (then id), `sys_created_at` = first synced,
 * `sys_updated_at` = last synced (what the created_/updated_ filters compare), `total` counts every
 * row the filters match.
 */
export async function entityData(ctx: ServiceContext, via: DataAuth, name: string, entityType: string, q: DataQuery) {
  requireAuth(ctx, via);
  await requireView(ctx);
  const d = integrationOrThrow(name);
  const entity = d.entities.find((e) => e.name === entityType);
  if (!entity) {
    throw new ServiceError(
      "not_found",
      `Entity type ${entityType} not found for ${name}; use one of: ${d.entities.map((e) => e.name).join(", ")}`,
    );
  }
  const where: SQL[] = [eq(stagedRows.source, entity.table_name)];
  if (q.created_after) where.push(gt(stagedRows.createdAt, new Date(q.created_after)));
  if (q.created_before) where.push(lt(stagedRows.createdAt, new Date(q.created_before)));
  if (q.updated_after) where.push(gt(stagedRows.syncedAt, new Date(q.updated_after)));
  if (q.updated_before) where.push(lt(stagedRows.syncedAt, new Date(q.updated_before)));
  const cond = and(...where);
  const [rows, [total]] = await Promise.all([
    ctx.db.select().from(stagedRows).where(cond).orderBy(asc(stagedRows.createdAt), asc(stagedRows.id)).limit(q.limit).offset(q.offset),
    ctx.db.select({ n: count() }).from(stagedRows).where(cond),
  ]);
  const columns = [...entity.columns, ...SYS_COLUMNS].map((c) => ({
    name: c.name,
    type: c.type,
    nullable: c.nullable,
    primary_key: c.primary_key ?? false,
  }));
  const n = total?.n ?? 0;
  return {
    integration_name: name,
    entity_type: entity.name,
    columns,
    rows: rows.map((r) => {
      const out: Record<string, unknown> = {};
      for (const c of entity.columns) out[c.name] = c.name === "id" ? r.externalId : (r.data[c.name] ?? null);
      out.sys_created_at = r.createdAt.toISOString();
      out.sys_updated_at = r.syncedAt.toISOString();
      return out;
    }),
    total: n,
    limit: q.limit,
    offset: q.offset,
    has_more: q.offset + rows.length < n,
  };
}
