import { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, or, type SQL, sql } from "drizzle-orm";
import { complete } from "../../../platform/ai";
import type { ServiceContext } from "../../../platform/context";
import type { Db } from "../../../platform/db";
import { badRequest, conflict, forbidden, invalidField, ServiceError } from "../../../platform/errors";
import { emitEvent } from "../../../platform/events/outbox";
import { isUuid, uuidv7 } from "../../../platform/ids";
import { recordActivity } from "../../activity/service";
import { currentMember } from "../../members/service";
import { members } from "../../members/tables";
import { notify } from "../../notifications/service";
import { hasPermission } from "../../permissions/service";
import { teamMembers, teams } from "../../teams/tables";
import { type ChannelAccess, getChannelForActor } from "../internal";
import type { ChannelMessage, ListMessagesQuery, MessageCreate, MessageUpdate, SquashQuery, SummarizeQuery } from "../schemas-conversation";
import { channelAccess, channelMembers, messages } from "../tables";
import { publishChannelEvent } from "./live";

export type MessageRow = typeof messages.$inferSelect;

export interface AuthorInfo {
  name: string | null;
  avatarUrl: string | null;
}

// ---- rows → API ------------------------------------------------------------------------------

/** A message as the API and the room show it. Deleted messages (not squashed ones) lose their content. */
export function toChannelMessage(m: MessageRow, author: AuthorInfo | null): ChannelMessage {
  const tombstone = m.deletedAt !== null && m.squashedIntoId === null;
  return {
    id: m.id,
    channel_id: m.channelId,
    seq: m.seq,
    author_member_id: m.authorMemberId,
    author_name: author?.name ?? null,
    author_avatar_url: author?.avatarUrl ?? null,
    content: tombstone ? "" : m.content,
    kind: m.kind,
    parent_id: m.parentId,
    mentions: m.mentions,
    attachments: tombstone ? [] : m.attachments,
    reactions: m.reactions,
    squashed_into_id: m.squashedIntoId,
    squashed_count: m.squashedCount,
    is_edited: m.editedAt !== null,
    edited_at: m.editedAt?.toISOString() ?? null,
    deleted_at: m.deletedAt?.toISOString() ?? null,
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
  };
}

const authorOf = (m: typeof members.$inferSelect): AuthorInfo => ({
  name: m.displayName ?? m.fullName ?? m.email,
  avatarUrl: m.avatarUrl,
});

// Raw statements (the CTEs below) return snake_case columns, bigint as text, json parsed.
const date = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)));
const parsed = <T>(v: unknown, fallback: T): T =>
  v === null || v === undefined ? fallback : typeof v === "string" ? (JSON.parse(v) as T) : (v as T);
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function fromRaw(r: Record<string, unknown>): MessageRow {
  return {
    id: String(r.id),
    channelId: String(r.channel_id),
    seq: Number(r.seq),
    authorMemberId: str(r.author_member_id),
    content: String(r.content),
    kind: r.kind as MessageRow["kind"],
    parentId: str(r.parent_id),
    mentions: parsed(r.mentions, []),
    attachments: parsed(r.attachments, []),
    reactions: parsed(r.reactions, {}),
    squashedIntoId: str(r.squashed_into_id),
    squashedCount: r.squashed_count === null || r.squashed_count === undefined ? null : Number(r.squashed_count),
    editedAt: date(r.edited_at),
    deletedAt: date(r.deleted_at),
    createdAt: date(r.created_at) ?? new Date(),
    updatedAt: date(r.updated_at) ?? new Date(),
  };
}

const rawAuthor = (r: Record<string, unknown>): AuthorInfo => ({ name: str(r.author_name), avatarUrl: str(r.author_avatar_url) });

const authorName = sql<string | null>`coalesce(${members.displayName}, ${members.fullName}, ${members.email})`;

/** Messages joined with their authors' names. */
function selectMessages(db: Db) {
  return db
    .select({ m: messages, authorName, authorAvatar: members.avatarUrl })
    .from(messages)
    .leftJoin(members, eq(members.id, messages.authorMemberId));
}

type Selected = { m: MessageRow; authorName: string | null; authorAvatar: string | null };
const fromSelected = (r: Selected) => toChannelMessage(r.m, { name: r.authorName, avatarUrl: r.authorAvatar });

// ---- shared checks ---------------------------------------------------------------------------

/** A live (not deleted, not squashed) message of the channel, else 404. */
async function findLiveMessage(ctx: ServiceContext, channelId: string, messageId: string): Promise<MessageRow> {
  if (!isUuid(messageId)) throw new ServiceError("not_found", "Message not found");
  const [m] = await ctx.db
    .select()
    .from(messages)
    .where(and(eq(messages.id, messageId), eq(messages.channelId, channelId), isNull(messages.deletedAt)))
    .limit(1);
  if (!m) throw new ServiceError("not_found", "Message not found");
  return m;
}

function assertCanPost(access: ChannelAccess): void {
  if (access.canPost) return;
  if (access.channel.isArchived) throw forbidden("This channel is archived");
  throw forbidden("You cannot post in this channel");
}

function assertCanManage(access: ChannelAccess, what: string): void {
  if (!access.canManage) throw forbidden(`Only workspace admins/owners or channel admins can ${what}`);
}

/**
 * Checks mentions (every id an active member of the workspace, else 422 naming the entry) and
 * returns whom to notify: not those who muted the channel, and in a private channel only
 * participants and members granted access (directly or through an active team), so a
 * notification never shows a private message to someone who cannot open the channel.
 */
async function mentionRecipients(ctx: ServiceContext, access: ChannelAccess, ids: string[], loc: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const cid = access.channel.id;
  const granted = sql<boolean>`exists (
    select 1 from ${channelAccess} where ${channelAccess.channelId} = ${cid} and (
      ${channelAccess.memberId} = ${members.id} or ${channelAccess.teamId} in (
        select ${teamMembers.teamId} from ${teamMembers} join ${teams} on ${teams.id} = ${teamMembers.teamId}
        where ${teamMembers.memberId} = ${members.id} and ${teams.isActive})))`;
  const rows = await ctx.db
    .select({ id: members.id, participant: channelMembers.id, muted: channelMembers.isMuted, granted })
    .from(members)
    .leftJoin(channelMembers, and(eq(channelMembers.channelId, cid), eq(channelMembers.memberId, members.id)))
    .where(and(inArray(members.id, [...new Set(ids)]), eq(members.isActive, true)));
  const found = new Set(rows.map((r) => r.id));
  const missing = ids.findIndex((id) => !found.has(id));
  if (missing >= 0) throw invalidField([...loc, missing], "Not an active member of this workspace");
  return rows.filter((r) => !r.muted && (!access.channel.isPrivate || r.participant !== null || r.granted)).map((r) => r.id);
}

/** Side effects after a committed change: logged, never thrown (the change already happened). */
async function afterCommit(ctx: ServiceContext, what: string, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (e) {
    console.error(JSON.stringify({ level: "error", msg: `${what} failed`, request_id: ctx.requestId, error: String(e) }));
  }
}

const excerpt = (s: string, n = 200) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

// ---- list --------------------------------------------------------------------------------------

interface Cursor {
  seq: number;
  /** Set when the cursor named a message: ties on seq (a summary and what it hides) break by id. */
  id: string | null;
}

async function resolveCursor(ctx: ServiceContext, channelId: string, raw: string): Promise<Cursor> {
  if (/^\d+$/.test(raw)) return { seq: Number(raw), id: null };
  const [m] = await ctx.db
    .select({ seq: messages.seq, id: messages.id })
    .from(messages)
    .where(and(eq(messages.id, raw), eq(messages.channelId, channelId)))
    .limit(1);
  if (!m) throw new ServiceError("not_found", "Message not found");
  return m;
}

const pos = sql`(${messages.seq}, ${messages.id})`;
const at = (c: Cursor) => sql`(${c.seq}::bigint, ${c.id}::uuid)`;
const olderThan = (c: Cursor): SQL => (c.id ? sql`${pos} < ${at(c)}` : lt(messages.seq, c.seq));
const olderOrAt = (c: Cursor): SQL => (c.id ? sql`${pos} <= ${at(c)}` : lte(messages.seq, c.seq));
const newerThan = (c: Cursor): SQL => (c.id ? sql`${pos} > ${at(c)}` : gt(messages.seq, c.seq));
const newerOrAt = (c: Cursor): SQL => (c.id ? sql`${pos} >= ${at(c)}` : gte(messages.seq, c.seq));

/**
 * Cursor pages by seq, always returned oldest first. Default: the newest `limit`; `before`: older
 * than the cursor (scroll up); `after`: newer (scroll down); `around`: limit/2 older than the
 * cursor, then the cursor's message and newer ones (deep links). Deleted and squashed messages
 * are left out unless asked for.
 */
export async function listMessages(ctx: ServiceContext, slug: string, q: ListMessagesQuery) {
  const access = await getChannelForActor(ctx, slug);
  const cid = access.channel.id;
  const base: SQL[] = [eq(messages.channelId, cid)];
  if (!q.include_deleted && !q.include_squashed) base.push(isNull(messages.deletedAt));
  else if (!q.include_deleted) base.push(or(isNull(messages.deletedAt), isNotNull(messages.squashedIntoId)) as SQL);
  else if (!q.include_squashed) base.push(isNull(messages.squashedIntoId));
  if (q.parent_id) base.push(eq(messages.parentId, q.parent_id));

  const page = (where: SQL[], dir: "asc" | "desc", n: number) =>
    selectMessages(ctx.db)
      .where(and(...base, ...where))
      .orderBy(...(dir === "asc" ? [asc(messages.seq), asc(messages.id)] : [desc(messages.seq), desc(messages.id)]))
      .limit(n);
  const any = async (where: SQL[]) =>
    (
      await ctx.db
        .select({ one: sql`1` })
        .from(messages)
        .where(and(...base, ...where))
        .limit(1)
    ).length > 0;

  const limit = q.limit;
  let rows: Selected[];
  let hasMoreBefore: boolean;
  let hasMoreAfter: boolean;
  if (q.around !== undefined) {
    const c = await resolveCursor(ctx, cid, q.around);
    const older = Math.floor(limit / 2);
    const newer = limit - older;
    const before = await page([olderThan(c)], "desc", older + 1);
    const after = await page([newerOrAt(c)], "asc", newer + 1);
    hasMoreBefore = before.length > older;
    hasMoreAfter = after.length > newer;
    rows = [...before.slice(0, older).reverse(), ...after.slice(0, newer)];
  } else if (q.before !== undefined) {
    const c = await resolveCursor(ctx, cid, q.before);
    const r = await page([olderThan(c)], "desc", limit + 1);
    hasMoreBefore = r.length > limit;
    hasMoreAfter = await any([newerOrAt(c)]);
    rows = r.slice(0, limit).reverse();
  } else if (q.after !== undefined) {
    const c = await resolveCursor(ctx, cid, q.after);
    const r = await page([newerThan(c)], "asc", limit + 1);
    hasMoreAfter = r.length > limit;
    hasMoreBefore = await any([olderOrAt(c)]);
    rows = r.slice(0, limit);
  } else {
    const r = await page([], "desc", limit + 1);
    hasMoreBefore = r.length > limit;
    hasMoreAfter = false;
    rows = r.slice(0, limit).reverse();
  }
  return {
    messages: rows.map(fromSelected),
    has_more_before: hasMoreBefore,
    has_more_after: hasMoreAfter,
    last_message_seq: access.channel.lastMessageSeq,
  };
}

// ---- post, edit, delete ------------------------------------------------------------------------

/**
 * Posts a message. Its seq comes from bumping channels.last_message_seq in the same statement
 * (the channel row lock orders concurrent posts), and the same statement returns the
 * participants who starred the channel (and did not mute it) for "channel_message" notices.
 * Then: the room's "message" event, the activity, and notifications to mentioned members.
 */
export async function postMessage(ctx: ServiceContext, slug: string, input: MessageCreate): Promise<ChannelMessage> {
  const access = await getChannelForActor(ctx, slug);
  assertCanPost(access);
  const me = await currentMember(ctx);
  const cid = access.channel.id;
  if (input.parent_id) {
    const [parent] = await ctx.db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.id, input.parent_id), eq(messages.channelId, cid), isNull(messages.deletedAt)))
      .limit(1);
    if (!parent) throw invalidField(["body", "parent_id"], "No such message in this channel");
  }
  const mentioned = await mentionRecipients(ctx, access, input.mentions ?? [], ["body", "mentions"]);
  const id = uuidv7();
  // One transaction: the message and its outbox event commit together.
  const res = await ctx.db.transaction(async (tx) => {
    const r = await tx.execute(sql`
    WITH ch AS (
      UPDATE channels SET last_message_seq = last_message_seq + 1, last_message_at = now()
      WHERE id = ${cid} RETURNING last_message_seq
    )
    INSERT INTO messages (id, channel_id, seq, author_member_id, content, kind, parent_id, mentions, attachments)
    SELECT ${id}, ${cid}, ch.last_message_seq, ${me.id}, ${input.content}, 'message', ${input.parent_id ?? null},
           ${JSON.stringify(input.mentions ?? [])}::jsonb, ${JSON.stringify(input.attachments ?? [])}::jsonb
    FROM ch
    RETURNING *, (
      SELECT coalesce(json_agg(cm.member_id), '[]'::json) FROM channel_members cm
      WHERE cm.channel_id = ${cid} AND cm.is_starred AND NOT cm.is_muted AND cm.member_id <> ${me.id}
    ) AS followers`);
    const row = r.rows[0] as Record<string, unknown> | undefined;
    if (!row) throw new ServiceError("not_found", "Channel not found");
    const m = fromRaw(row);
    await emitEvent(ctx, tx, "channel.message.created", {
      channel: { id: cid, slug: access.channel.slug, name: access.channel.name },
      message: {
        id: m.id,
        content: m.content,
        author_member_id: m.authorMemberId,
        created_at: m.createdAt.toISOString(),
        parent_id: m.parentId,
      },
    });
    return r;
  });
  const raw = res.rows[0] as Record<string, unknown>;
  const msg = toChannelMessage(fromRaw(raw), authorOf(me));
  const followers = parsed<string[]>(raw.followers, []).filter((f) => !mentioned.includes(f));
  const who = authorOf(me).name ?? "Someone";
  const channelName = access.channel.name;
  const link = `/channels/${access.channel.slug}?message=${msg.id}`;
  const data = { channel_id: cid, channel_slug: access.channel.slug, message_id: msg.id, seq: msg.seq };
  await Promise.all([
    publishChannelEvent(ctx, cid, "message", msg),
    afterCommit(ctx, "message side effects", async () => {
      await recordActivity(ctx, {
        type: "message.created",
        subjectType: "message",
        subjectId: msg.id,
        channelId: cid,
        summary: `${who} posted in #${channelName}`,
        data: { seq: msg.seq, parent_id: msg.parent_id },
      });
      if (mentioned.length > 0) {
        await notify(ctx, {
          recipients: mentioned,
          eventType: "mentioned",
          title: `${who} mentioned you in #${channelName}`,
          body: excerpt(input.content),
          link,
          data,
        });
      }
      if (followers.length > 0) {
        await notify(ctx, {
          recipients: followers,
          eventType: "channel_message",
          title: `New message in #${channelName}`,
          body: `${who}: ${excerpt(input.content)}`,
          link,
          data,
        });
      }
    }),
  ]);
  return msg;
}

/** Edits your own message (another member's is 403); newly mentioned members are notified. */
export async function updateMessage(ctx: ServiceContext, slug: string, messageId: string, input: MessageUpdate): Promise<ChannelMessage> {
  const access = await getChannelForActor(ctx, slug);
  const cid = access.channel.id;
  const msg = await findLiveMessage(ctx, cid, messageId);
  if (msg.authorMemberId !== access.memberId) throw forbidden("You can only edit your own messages");
  if (msg.kind === "system") throw forbidden("System messages cannot be edited");
  assertCanPost(access);
  const mentioned = input.mentions ? await mentionRecipients(ctx, access, input.mentions, ["body", "mentions"]) : [];
  const now = new Date();
  const [row] = await ctx.db
    .update(messages)
    .set({
      content: input.content,
      ...(input.mentions ? { mentions: input.mentions } : {}),
      ...(input.attachments ? { attachments: input.attachments } : {}),
      editedAt: now,
      updatedAt: now,
    })
    .where(and(eq(messages.id, msg.id), isNull(messages.deletedAt)))
    .returning();
  if (!row) throw new ServiceError("not_found", "Message not found");
  const me = await currentMember(ctx);
  const out = toChannelMessage(row, authorOf(me));
  const fresh = mentioned.filter((id) => !msg.mentions.includes(id));
  const who = authorOf(me).name ?? "Someone";
  await Promise.all([
    publishChannelEvent(ctx, cid, "message_updated", out),
    afterCommit(ctx, "message side effects", async () => {
      await recordActivity(ctx, {
        type: "message.updated",
        subjectType: "message",
        subjectId: out.id,
        channelId: cid,
        summary: `${who} edited a message in #${access.channel.name}`,
        data: { seq: out.seq },
      });
      if (fresh.length > 0) {
        await notify(ctx, {
          recipients: fresh,
          eventType: "mentioned",
          title: `${who} mentioned you in #${access.channel.name}`,
          body: excerpt(input.content),
          link: `/channels/${access.channel.slug}?message=${out.id}`,
          data: { channel_id: cid, channel_slug: access.channel.slug, message_id: out.id, seq: out.seq },
        });
      }
    }),
  ]);
  return out;
}

/** Soft delete, by the author or a channel manager (workspace can_manage_channel or channel admin). */
export async function deleteMessage(ctx: ServiceContext, slug: string, messageId: string): Promise<void> {
  const access = await getChannelForActor(ctx, slug);
  const cid = access.channel.id;
  const msg = await findLiveMessage(ctx, cid, messageId);
  if (msg.authorMemberId !== access.memberId && !access.canManage) {
    throw forbidden("Only the author or a channel admin can delete this message");
  }
  const now = new Date();
  const [row] = await ctx.db
    .update(messages)
    .set({ deletedAt: now, updatedAt: now })
    .where(and(eq(messages.id, msg.id), isNull(messages.deletedAt)))
    .returning({ id: messages.id });
  if (!row) throw new ServiceError("not_found", "Message not found");
  await Promise.all([
    publishChannelEvent(ctx, cid, "message_deleted", {
      id: msg.id,
      channel_id: cid,
      seq: msg.seq,
      parent_id: msg.parentId,
      deleted_by_member_id: access.memberId,
      deleted_at: now.toISOString(),
    }),
    afterCommit(ctx, "message side effects", () =>
      recordActivity(ctx, {
        type: "message.deleted",
        subjectType: "message",
        subjectId: msg.id,
        channelId: cid,
        summary: `A message was deleted in #${access.channel.name}`,
        data: { seq: msg.seq, author_member_id: msg.authorMemberId },
      }),
    ),
  ]);
}

// ---- squash, restore, summarize ----------------------------------------------------------------

/**
 * Squashes every live message above (older) or below (newer) the reference message into one
 * summary message, in one statement: they are soft-deleted and linked to the summary, which
 * takes over the seq of the newest of them, so it sits where they were. A summary can itself
 * be squashed later (restoring the outer one brings it back).
 */
export async function squashMessages(ctx: ServiceContext, slug: string, messageId: string, q: SquashQuery) {
  const access = await getChannelForActor(ctx, slug);
  assertCanManage(access, "squash messages");
  const cid = access.channel.id;
  const ref = await findLiveMessage(ctx, cid, messageId);
  const me = await currentMember(ctx);
  const sid = uuidv7();
  const side = q.direction === "above" ? sql`seq < ${ref.seq}` : sql`seq > ${ref.seq}`;
  // The summary's seq is only free once the hidden messages are deleted (the unique index covers
  // live rows); the FK from squashed_into_id is checked at the end of the statement.
  const res = await ctx.db.execute(sql`
    WITH t AS (
      UPDATE messages SET deleted_at = now(), squashed_into_id = ${sid}, updated_at = now()
      WHERE channel_id = ${cid} AND deleted_at IS NULL AND ${side}
      RETURNING id, seq
    ), s AS (
      INSERT INTO messages (id, channel_id, seq, author_member_id, content, kind, squashed_count)
      SELECT ${sid}, ${cid}, max(t.seq), ${me.id}, ${q.summary}, 'summary', count(*)::int FROM t HAVING count(*) > 0
      RETURNING *
    )
    SELECT s.*, (SELECT json_agg(t.id ORDER BY t.seq) FROM t) AS squashed_ids FROM s`);
  const raw = res.rows[0] as Record<string, unknown> | undefined;
  if (!raw) throw badRequest(`There are no messages ${q.direction} this one to squash`);
  const summary = toChannelMessage(fromRaw(raw), authorOf(me));
  const ids = parsed<string[]>(raw.squashed_ids, []);
  const result = { summary, squashed_count: ids.length, squashed_message_ids: ids };
  await Promise.all([
    publishChannelEvent(ctx, cid, "messages_squashed", { ...result, direction: q.direction, reference_message_id: ref.id }),
    afterCommit(ctx, "squash side effects", () =>
      recordActivity(ctx, {
        type: "message.squashed",
        subjectType: "message",
        subjectId: summary.id,
        channelId: cid,
        summary: `${ids.length} messages in #${access.channel.name} were squashed into a summary`,
        data: { direction: q.direction, reference_message_id: ref.id, squashed_count: ids.length },
      }),
    ),
  ]);
  return result;
}

/** A summary message of the channel (any state), else 404. */
async function findSummary(ctx: ServiceContext, channelId: string, messageId: string): Promise<MessageRow> {
  if (!isUuid(messageId)) throw new ServiceError("not_found", "Summary message not found");
  const [s] = await ctx.db
    .select()
    .from(messages)
    .where(and(eq(messages.id, messageId), eq(messages.channelId, channelId), eq(messages.kind, "summary")))
    .limit(1);
  if (!s) throw new ServiceError("not_found", "Summary message not found");
  return s;
}

/**
 * Undoes a squash: the hidden messages come back (deleted_at and squashed_into_id cleared) at
 * their seqs, and the summary is deleted. Two statements in a transaction: the summary first
 * gives up its seq, then the messages return and the summary row goes.
 */
export async function restoreSquashed(ctx: ServiceContext, slug: string, messageId: string) {
  const access = await getChannelForActor(ctx, slug);
  assertCanManage(access, "restore squashed messages");
  const cid = access.channel.id;
  const summary = await findSummary(ctx, cid, messageId);
  if (summary.deletedAt) throw conflict("This summary was deleted or is itself squashed into another summary; restore that one first");
  const rows = await ctx.db.transaction(async (tx) => {
    const freed = await tx
      .update(messages)
      .set({ deletedAt: new Date() })
      .where(and(eq(messages.id, summary.id), isNull(messages.deletedAt)))
      .returning({ id: messages.id });
    if (freed.length === 0) throw conflict("This summary was just restored or squashed");
    const res = await tx.execute(sql`
      WITH k AS (
        UPDATE messages SET deleted_at = NULL, squashed_into_id = NULL, updated_at = now()
        WHERE squashed_into_id = ${summary.id} RETURNING *
      ), d AS (
        DELETE FROM messages WHERE id = ${summary.id}
      )
      SELECT k.*, coalesce(m.display_name, m.full_name, m.email) AS author_name, m.avatar_url AS author_avatar_url
      FROM k LEFT JOIN members m ON m.id = k.author_member_id
      ORDER BY k.seq, k.id`);
    return res.rows as Record<string, unknown>[];
  });
  const restored = rows.map((r) => toChannelMessage(fromRaw(r), rawAuthor(r)));
  const result = { summary_id: summary.id, restored_count: restored.length, messages: restored };
  await Promise.all([
    publishChannelEvent(ctx, cid, "messages_restored", result),
    afterCommit(ctx, "restore side effects", () =>
      recordActivity(ctx, {
        type: "message.restored",
        subjectType: "message",
        subjectId: summary.id,
        channelId: cid,
        summary: `${restored.length} squashed messages in #${access.channel.name} were restored`,
        data: { restored_count: restored.length },
      }),
    ),
  ]);
  return result;
}

/** The messages a summary hides, oldest first. */
export async function listSquashed(ctx: ServiceContext, slug: string, messageId: string) {
  const access = await getChannelForActor(ctx, slug);
  const cid = access.channel.id;
  const summary = await findSummary(ctx, cid, messageId);
  const [withAuthor] = await selectMessages(ctx.db).where(eq(messages.id, summary.id)).limit(1);
  const rows = await selectMessages(ctx.db)
    .where(and(eq(messages.channelId, cid), eq(messages.squashedIntoId, summary.id)))
    .orderBy(asc(messages.seq), asc(messages.id));
  return {
    summary: withAuthor ? fromSelected(withAuthor) : toChannelMessage(summary, null),
    messages: rows.map(fromSelected),
    total: rows.length,
  };
}

export const SUMMARY_INSTRUCTIONS =
  "You summarize a team chat for someone catching up. Write a short, neutral summary of the conversation below: " +
  "decisions, open questions and action items with their owners. Use the participants' names. Do not invent anything.";
/** The transcript sent to the model is capped (the newest lines nearest the reference are kept). */
const TRANSCRIPT_MAX_CHARS = 60_000;

/**
 * An AI summary of up to `limit` live messages right above (older) or below (newer) the
 * reference message. Returned, not stored: squash stores a summary. Needs can_use_ai.
 */
export async function summarizeMessages(ctx: ServiceContext, slug: string, messageId: string, q: SummarizeQuery) {
  const access = await getChannelForActor(ctx, slug);
  if (!(await hasPermission(ctx, "can_use_ai"))) throw forbidden("You need the can_use_ai permission for this");
  const cid = access.channel.id;
  const ref = await findLiveMessage(ctx, cid, messageId);
  const above = q.direction === "above";
  const rows = await selectMessages(ctx.db)
    .where(and(eq(messages.channelId, cid), isNull(messages.deletedAt), above ? lt(messages.seq, ref.seq) : gt(messages.seq, ref.seq)))
    .orderBy(above ? desc(messages.seq) : asc(messages.seq))
    .limit(q.limit);
  if (rows.length === 0) throw badRequest(`There are no messages ${q.direction} this one to summarize`);
  const kept = above ? rows.reverse() : rows;
  const line = (r: Selected) => `${r.authorName ?? "Unknown"}: ${r.m.content}`;
  // Keep the lines nearest the reference message when the transcript is too long.
  let size = kept.reduce((n, r) => n + line(r).length + 1, 0);
  while (size > TRANSCRIPT_MAX_CHARS && kept.length > 1) {
    const dropped = above ? kept.shift() : kept.pop();
    if (dropped) size -= line(dropped).length + 1;
  }
  const transcript = kept.map(line).join("\n");
  const answer = await complete(ctx, [
    { role: "system", content: SUMMARY_INSTRUCTIONS },
    { role: "user", content: `Conversation in #${access.channel.name}:\n${transcript}` },
  ]);
  return {
    summary: answer.text,
    direction: q.direction,
    message_count: kept.length,
    from_seq: kept[0]?.m.seq ?? null,
    to_seq: kept.at(-1)?.m.seq ?? null,
    model: answer.model,
  };
}
