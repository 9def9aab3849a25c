import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { myMemberId, ownedFolder, toFolder } from "../internal";
import type { ChatFolderCreate, ChatFolderReorder, ChatFolderUpdate } from "../schemas";
import { chatConversations, chatFolders } from "../tables";

/** Conversations per folder (not archived), for the given folder ids. */
async function countsOf(ctx: ServiceContext, folderIds: string[]): Promise<Map<string, number>> {
  if (folderIds.length === 0) return new Map();
  const rows = await ctx.db
    .select({ folderId: chatConversations.folderId, n: count() })
    .from(chatConversations)
    .where(and(inArray(chatConversations.folderId, folderIds), eq(chatConversations.isArchived, false)))
    .groupBy(chatConversations.folderId);
  return new Map(rows.map((r) => [r.folderId as string, r.n]));
}

async function folderView(ctx: ServiceContext, id: string) {
  const f = await ownedFolder(ctx, id);
  return toFolder(f, (await countsOf(ctx, [f.id])).get(f.id) ?? 0);
}

export async function listFolders(ctx: ServiceContext) {
  const memberId = await myMemberId(ctx);
  const rows = await ctx.db
    .select()
    .from(chatFolders)
    .where(eq(chatFolders.memberId, memberId))
    .orderBy(asc(chatFolders.position), asc(chatFolders.createdAt), asc(chatFolders.id));
  const counts = await countsOf(
    ctx,
    rows.map((f) => f.id),
  );
  return rows.map((f) => toFolder(f, counts.get(f.id) ?? 0));
}

export const getFolder = folderView;

/** A new folder goes last: position = max + 1 among the member's folders. */
export async function createFolder(ctx: ServiceContext, input: ChatFolderCreate) {
  const memberId = await myMemberId(ctx);
  const [row] = await ctx.db
    .insert(chatFolders)
    .values({
      memberId,
      name: input.name,
      color: input.color ?? null,
      icon: input.icon ?? null,
      position: sql`(select coalesce(max(${chatFolders.position}) + 1, 0) from ${chatFolders} where ${chatFolders.memberId} = ${memberId})`,
    })
    .returning();
  if (!row) throw new ServiceError("internal_error", "Folder was not created");
  return toFolder(row, 0);
}

export async function updateFolder(ctx: ServiceContext, folderId: string, input: ChatFolderUpdate) {
  const f = await ownedFolder(ctx, folderId);
  const set: Partial<typeof chatFolders.$inferInsert> = {};
  if (input.name !== undefined) set.name = input.name;
  if (input.color !== undefined) set.color = input.color;
  if (input.icon !== undefined) set.icon = input.icon;
  if (input.is_collapsed !== undefined) set.isCollapsed = input.is_collapsed;
  if (Object.keys(set).length > 0) await ctx.db.update(chatFolders).set(set).where(eq(chatFolders.id, f.id));
  return folderView(ctx, f.id);
}

export async function toggleFolderCollapse(ctx: ServiceContext, folderId: string) {
  const f = await ownedFolder(ctx, folderId);
  await ctx.db
    .update(chatFolders)
    .set({ isCollapsed: sql`not ${chatFolders.isCollapsed}` })
    .where(eq(chatFolders.id, f.id));
  return folderView(ctx, f.id);
}

/**
 * The list must name each of the member's folders exactly once (422 otherwise, nothing
 * changed): a partial list would leave two folders on the same position.
 */
export async function reorderFolders(ctx: ServiceContext, input: ChatFolderReorder) {
  const memberId = await myMemberId(ctx);
  const ids = input.folder_ids;
  const mine = await ctx.db.select({ id: chatFolders.id }).from(chatFolders).where(eq(chatFolders.memberId, memberId));
  const mineSet = new Set(mine.map((r) => r.id));
  const issues: { loc: (string | number)[]; msg: string; type: string }[] = [];
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (!mineSet.has(id)) issues.push({ loc: ["body", "folder_ids", i], msg: "Folder not found", type: "value_error" });
    else if (seen.has(id)) issues.push({ loc: ["body", "folder_ids", i], msg: "Folder listed twice", type: "value_error" });
    seen.add(id);
  });
  if (issues.length === 0 && seen.size !== mineSet.size) {
    issues.push({ loc: ["body", "folder_ids"], msg: "List every one of your folders", type: "value_error" });
  }
  if (issues.length > 0) throw new ServiceError("validation_error", "Invalid folder order", { issues });
  // One statement: positions from the array index; every id is a bound parameter.
  const idArray = sql`ARRAY[${sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  )}]::uuid[]`;
  await ctx.db.execute(sql`
    update ${chatFolders} set position = o.pos - 1, updated_at = now()
    from unnest(${idArray}) with ordinality as o(id, pos)
    where ${chatFolders.id} = o.id and ${chatFolders.memberId} = ${memberId}`);
  return listFolders(ctx);
}

/** Conversations in the folder stay, without a folder (the FK sets folder_id to null). */
export async function deleteFolder(ctx: ServiceContext, folderId: string) {
  const f = await ownedFolder(ctx, folderId);
  await ctx.db.delete(chatFolders).where(eq(chatFolders.id, f.id));
}
