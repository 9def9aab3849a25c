import { eq, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { isUuid } from "../../../platform/ids";
import { visibleChannelIdsSql } from "../../channels/internal";
import { currentMember } from "../../members/service";
import { myPermissions } from "../../permissions/service";
import { visibleRecordsetIdsSql } from "../../recordsets/internal";
import { visibleTasksSql } from "../../tasks/internal";
import { myTeamIds } from "../../teams/service";
import { getDocumentForActor, visibleDocumentsSql } from "../access";
import { documentLinks, LINK_ENTITY_TYPES, type LinkEntityType } from "../tables";
import { resolveLinkTarget } from "./targets";

/** What a document can be linked to, plus other documents (saved relationships and linkable search). */
export type EntityType = LinkEntityType | "document";
export const ENTITY_TYPES: EntityType[] = [...LINK_ENTITY_TYPES, "document"];

export interface EntityRef {
  id: string;
  name: string;
  /** The API path that shows the entity. */
  url: string;
}

/** The API path that shows the entity (the same paths as resolveLinkTarget). */
const apiPath = (type: EntityType, id: string, extra: string | null): string =>
  type === "channel" ? `/api/v1/channels/${extra ?? id}` : `/api/v1/${type}s/${id}`;

/**
 * Fetch-or-404 of one entity: link targets through resolveLinkTarget (each module's own check),
 * documents through getDocumentForActor. Missing and invisible are the same 404.
 */
export async function visibleEntity(ctx: ServiceContext, type: EntityType, id: string): Promise<EntityRef> {
  if (type !== "document") {
    const t = await resolveLinkTarget(ctx, type, id);
    return { id: t.id, name: t.name, url: t.url };
  }
  const { document } = await getDocumentForActor(ctx, id, "view");
  return { id: document.id, name: document.title, url: apiPath(type, document.id, null) };
}

/** One entity type as SQL: its table, display name, an extra column for its path, and who sees which rows. */
interface Source {
  table: SQL;
  id: SQL;
  name: SQL;
  extra: SQL;
  visible: SQL;
}

/**
 * Each type's visibility rule as SQL, taken from its module (channels, tasks, recordsets,
 * documents) so lists and search show exactly what the detail routes would open.
 */
async function sourcesFor(ctx: ServiceContext, types: EntityType[]): Promise<Map<EntityType, Source>> {
  const [me, teamIds, perms] = await Promise.all([currentMember(ctx), myTeamIds(ctx), myPermissions(ctx)]);
  const out = new Map<EntityType, Source>();
  for (const type of types) {
    switch (type) {
      case "channel": {
        const ids = visibleChannelIdsSql({
          memberId: me.id,
          teamIds,
          manageAll: perms.has("can_manage_channel"),
          viewPublic: perms.has("can_view_channel"),
        });
        out.set(type, {
          table: sql`channels`,
          id: sql`"channels"."id"`,
          name: sql`"channels"."name"`,
          extra: sql`"channels"."slug"`,
          visible: ids ? sql`"channels"."id" in (${ids})` : sql`true`,
        });
        break;
      }
      case "task": {
        const visible = perms.has("can_view_action") ? ((await visibleTasksSql(ctx)) ?? sql`true`) : sql`false`;
        out.set(type, { table: sql`tasks`, id: sql`"tasks"."id"`, name: sql`"tasks"."title"`, extra: sql`null::text`, visible });
        break;
      }
      case "record":
        out.set(type, {
          table: sql`records`,
          id: sql`"records"."id"`,
          name: sql`coalesce("records"."title", 'Untitled record')`,
          extra: sql`null::text`,
          visible: sql`("records"."status" <> 'deleted' and "records"."recordset_id" in (${visibleRecordsetIdsSql(ctx)}))`,
        });
        break;
      case "recordset":
        out.set(type, {
          table: sql`recordsets`,
          id: sql`"recordsets"."id"`,
          name: sql`"recordsets"."name"`,
          extra: sql`null::text`,
          visible: sql`"recordsets"."id" in (${visibleRecordsetIdsSql(ctx)})`,
        });
        break;
      case "goal":
        // The goals module's rule (visibleGoal): can_view_goal sees all, otherwise what you own or created.
        out.set(type, {
          table: sql`goals`,
          id: sql`"goals"."id"`,
          name: sql`"goals"."title"`,
          extra: sql`null::text`,
          visible: perms.has("can_view_goal")
            ? sql`true`
            : sql`("goals"."owner_member_id" = ${me.id} or "goals"."created_by_member_id" = ${me.id})`,
        });
        break;
      case "member":
        // The members directory needs can_view_member; everyone may name themselves.
        out.set(type, {
          table: sql`members`,
          id: sql`"members"."id"`,
          name: sql`coalesce("members"."display_name", "members"."full_name", "members"."email")`,
          extra: sql`null::text`,
          visible: perms.has("can_view_member") ? sql`"members"."is_active"` : sql`"members"."id" = ${me.id}`,
        });
        break;
      case "document":
        out.set(type, {
          table: sql`documents`,
          id: sql`"documents"."id"`,
          name: sql`"documents"."title"`,
          extra: sql`null::text`,
          visible: (await visibleDocumentsSql(ctx)) ?? sql`true`,
        });
        break;
    }
  }
  return out;
}

const idList = (ids: string[]) =>
  sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );

type Row = { id: string; name: string; extra: string | null };

/**
 * Names and paths of entities the caller can see, by type; ids they cannot see (or that are
 * gone) are simply absent, so a list never shows the name of something hidden.
 */
export async function visibleEntityNames(ctx: ServiceContext, wanted: { type: EntityType; id: string }[]) {
  const byType = new Map<EntityType, string[]>();
  for (const w of wanted) if (isUuid(w.id)) byType.set(w.type, [...(byType.get(w.type) ?? []), w.id]);
  const out = new Map<string, EntityRef>();
  if (byType.size === 0) return out;
  const sources = await sourcesFor(ctx, [...byType.keys()]);
  await Promise.all(
    [...byType].map(async ([type, ids]) => {
      const s = sources.get(type) as Source;
      const { rows } = await ctx.db.execute<Row>(
        sql`select ${s.id} as id, ${s.name} as name, ${s.extra} as extra from ${s.table} where ${s.id} in (${idList([...new Set(ids)])}) and ${s.visible}`,
      );
      for (const r of rows) out.set(`${type}:${r.id}`, { id: r.id, name: r.name, url: apiPath(type, r.id, r.extra) });
    }),
  );
  return out;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * GET /documents/linkable-entities: entities of each type whose name contains `query`
 * (case-insensitive; trigram similarity orders them), among those the caller can see.
 * `exclude` drops ids already linked (by type).
 */
export async function searchEntities(
  ctx: ServiceContext,
  q: { query: string; types: EntityType[]; exclude: Map<EntityType, string[]>; limit: number },
): Promise<Record<EntityType, EntityRef[]>> {
  const sources = await sourcesFor(ctx, q.types);
  const pattern = `%${escapeLike(q.query)}%`;
  const out = Object.fromEntries(q.types.map((t) => [t, [] as EntityRef[]])) as Record<EntityType, EntityRef[]>;
  await Promise.all(
    q.types.map(async (type) => {
      const s = sources.get(type) as Source;
      const excluded = q.exclude.get(type) ?? [];
      const { rows } = await ctx.db.execute<Row>(sql`select ${s.id} as id, ${s.name} as name, ${s.extra} as extra from ${s.table}
        where ${s.name} ilike ${pattern} and ${s.visible}
          ${excluded.length ? sql`and ${s.id} not in (${idList(excluded)})` : sql``}
        order by similarity(${s.name}, ${q.query}) desc, ${s.name} asc, ${s.id} asc
        limit ${q.limit}`);
      out[type] = rows.map((r) => ({ id: r.id, name: r.name, url: apiPath(type, r.id, r.extra) }));
    }),
  );
  return out;
}

/**
 * GET /documents/linkable-entities: grouped by type. With exclude_document_id (a document the
 * caller sees), what it is already linked to, and the document itself, are left out.
 */
export async function linkableEntities(
  ctx: ServiceContext,
  q: { query: string; entity_type?: EntityType | undefined; exclude_document_id?: string | undefined; limit: number },
) {
  const types = q.entity_type ? [q.entity_type] : ENTITY_TYPES;
  const exclude = new Map<EntityType, string[]>();
  if (q.exclude_document_id) {
    const { document } = await getDocumentForActor(ctx, q.exclude_document_id, "view");
    const linked = await ctx.db
      .select({ type: documentLinks.entityType, id: documentLinks.entityId })
      .from(documentLinks)
      .where(eq(documentLinks.documentId, document.id));
    for (const l of linked) exclude.set(l.type, [...(exclude.get(l.type) ?? []), l.id]);
    exclude.set("document", [document.id]);
  }
  const results = await searchEntities(ctx, { query: q.query, types, exclude, limit: q.limit });
  const grouped = Object.fromEntries(
    Object.entries(results).map(([type, items]) => [type, items.map((e) => ({ ...e, type: type as EntityType }))]),
  ) as Record<EntityType, (EntityRef & { type: EntityType })[]>;
  return { query: q.query, results: grouped, total: Object.values(results).reduce((n, items) => n + items.length, 0) };
}
