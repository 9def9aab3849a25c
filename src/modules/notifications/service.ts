import { and, count, desc, eq, inArray, isNull } from "drizzle-orm";
import { type RoomClient, roomClient } from "../../platform/clients/rooms";
import type { ServiceContext } from "../../platform/context";
import { enqueueEmail } from "../../platform/email/outbox";
import { notFound } from "../../platform/errors";
import { isUuid } from "../../platform/ids";
import { relayRoomAsSse } from "../../platform/sse";
import { currentMember } from "../members/service";
import { members } from "../members/tables";
import { defaultsFor, EVENT_TYPES, isEventType } from "./catalogue";
import { absoluteLink, toNotification } from "./internal";
import { notificationEmailSettings, notificationPreferences, notifications } from "./tables";

export interface NotifyInput {
  /** Member ids (tenant); the actor is never notified of their own action. */
  recipients: string[];
  /** e.g. task_assigned, mentioned, task_completed, channel_message (see catalogue.ts) */
  eventType: string;
  title: string;
  body?: string | null;
  link?: string | null;
  data?: Record<string, unknown>;
}

/** The NotificationHub of one member of one workspace (SSE stream of notifications). */
export function notificationHub(ctx: ServiceContext, memberId: string): RoomClient {
  const ns = ctx.env.NOTIFICATION_HUB;
  return roomClient(ns.get(ns.idFromName(`${ctx.workspace?.id}:${memberId}`)));
}

const logError = (msg: string, extra: Record<string, unknown>) => (e: unknown) =>
  console.error(JSON.stringify({ level: "error", msg, ...extra, error: String(e) }));

/**
 * Turns an event into notifications for its recipients, applying each recipient's preference
 * for the event type (stored row, else the catalogue's defaults) and email delivery mode:
 * - muted, or neither in-app nor email on → nothing;
 * - in-app on → a notification row, pushed to the recipient's NotificationHub ("notification");
 * - email on + instant → an email in the outbox now; email on + digest → the row waits for
 *   sendNotificationDigests (digest.ts), kept out of the API when in-app is off.
 * Inactive or unknown recipients are skipped. Pushes and emails that fail are logged, not
 * thrown: the caller's change has already happened.
 */
export async function notify(ctx: ServiceContext, n: NotifyInput): Promise<void> {
  const actor = ctx.actor.kind === "user" || ctx.actor.kind === "api_key" ? await currentMember(ctx).catch(() => null) : null;
  const ids = [...new Set(n.recipients)].filter((id) => id !== actor?.id && isUuid(id));
  if (ids.length === 0) return;
  const targets = await ctx.db
    .select({
      id: members.id,
      email: members.email,
      pref: {
        inapp: notificationPreferences.inappEnabled,
        email: notificationPreferences.emailEnabled,
        muted: notificationPreferences.muted,
      },
      mode: notificationEmailSettings.emailDeliveryMode,
    })
    .from(members)
    .leftJoin(
      notificationPreferences,
      and(eq(notificationPreferences.memberId, members.id), eq(notificationPreferences.eventType, n.eventType)),
    )
    .leftJoin(notificationEmailSettings, eq(notificationEmailSettings.memberId, members.id))
    .where(and(inArray(members.id, ids), eq(members.isActive, true)));

  const defaults = defaultsFor(n.eventType);
  const now = new Date();
  const plans = targets.flatMap((t) => {
    const s = t.pref ?? { inapp: defaults.inapp_enabled, email: defaults.email_enabled, muted: defaults.muted };
    if (s.muted) return [];
    const email = s.email && t.email.length > 0;
    const digest = email && t.mode === "digest";
    const instant = email && !digest;
    if (!s.inapp && !email) return [];
    return [{ memberId: t.id, to: t.email, inApp: s.inapp, instant, digest }];
  });
  if (plans.length === 0) return;

  // A row for everyone who sees it in-app or waits for a digest; instant email-only needs none.
  const stored = plans.filter((p) => p.inApp || p.digest);
  const rows =
    stored.length === 0
      ? []
      : await ctx.db
          .insert(notifications)
          .values(
            stored.map((p) => ({
              recipientMemberId: p.memberId,
              actorMemberId: actor?.id ?? null,
              eventType: n.eventType,
              title: n.title,
              body: n.body ?? null,
              link: n.link ?? null,
              data: n.data ?? {},
              inApp: p.inApp,
              emailPending: p.digest,
              emailedAt: p.instant ? now : null,
            })),
          )
          .returning();
  const rowOf = new Map(rows.map((r) => [r.recipientMemberId, r]));

  const pushes = rows
    .filter((r) => r.inApp)
    .map((r) =>
      notificationHub(ctx, r.recipientMemberId)
        .publish("notification", toNotification(r))
        .catch(logError("notification push failed", { member_id: r.recipientMemberId })),
    );
  const emails = plans
    .filter((p) => p.instant)
    .map((p) => {
      const row = rowOf.get(p.memberId);
      return sendInstantEmail(ctx, p.to, n, row?.id ?? null).catch(async (e) => {
        logError("notification email failed", { member_id: p.memberId })(e);
        // Leave it for nobody rather than claim it was emailed.
        if (row)
          await ctx.db
            .update(notifications)
            .set({ emailedAt: null })
            .where(eq(notifications.id, row.id))
            .catch(() => {});
      });
    });
  await Promise.all([...pushes, ...emails]);
}

async function sendInstantEmail(ctx: ServiceContext, to: string, n: NotifyInput, notificationId: string | null) {
  const link = absoluteLink(ctx.env.APP_URL, n.link ?? null);
  const manage = absoluteLink(ctx.env.APP_URL, "/settings/notifications");
  const label = isEventType(n.eventType) ? EVENT_TYPES[n.eventType].label : n.eventType;
  const lines = [n.title, "", ...(n.body ? [n.body, ""] : []), ...(link ? [`Open: ${link}`, ""] : [])];
  lines.push(`—\nYou receive this email for "${label}" notifications. Change that here: ${manage}`);
  await enqueueEmail(ctx.control, {
    to,
    subject: n.title,
    text: lines.join("\n"),
    template: "notification",
    data: { event_type: n.eventType, notification_id: notificationId, workspace_id: ctx.workspace?.id ?? null, link, ...(n.data ?? {}) },
  });
}

/**
 * Publishes a `workspace_event` (e.g. members_updated) to every active member's
 * NotificationHub, so open clients can refresh. Failures are logged per member.
 */
export async function publishWorkspaceEvent(ctx: ServiceContext, eventType: string, data: Record<string, unknown> = {}): Promise<void> {
  const active = await ctx.db.select({ id: members.id }).from(members).where(eq(members.isActive, true));
  const payload = { event_type: eventType, workspace_id: ctx.workspace?.id ?? null, data, created_at: new Date().toISOString() };
  await Promise.all(
    active.map(({ id }) =>
      notificationHub(ctx, id)
        .publish("workspace_event", payload)
        .catch(logError("workspace event push failed", { member_id: id })),
    ),
  );
}

// The caller's own notifications ------------------------------------------------------------

/** Notifications the API shows: the caller's, and not digest-only rows. */
const mine = (memberId: string) => and(eq(notifications.recipientMemberId, memberId), eq(notifications.inApp, true));

export async function listNotifications(ctx: ServiceContext, q: { unread_only?: boolean | undefined; limit: number; offset: number }) {
  const me = await currentMember(ctx);
  const where = q.unread_only ? and(mine(me.id), isNull(notifications.readAt)) : mine(me.id);
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(notifications)
      .where(where)
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(q.limit)
      .offset(q.offset),
    ctx.db.select({ n: count() }).from(notifications).where(where),
  ]);
  return { items: rows.map(toNotification), total: total?.n ?? 0, limit: q.limit, offset: q.offset };
}

export async function unreadCount(ctx: ServiceContext) {
  const me = await currentMember(ctx);
  const [row] = await ctx.db
    .select({ n: count() })
    .from(notifications)
    .where(and(mine(me.id), isNull(notifications.readAt)));
  return { count: row?.n ?? 0 };
}

/**
 * One notification (another member's or unknown → 404) or all of the caller's unread ones.
 * Read notifications drop out of a pending digest.
 */
export async function markRead(ctx: ServiceContext, input: { notification_id?: string | null | undefined }) {
  const me = await currentMember(ctx);
  const now = new Date();
  if (input.notification_id) {
    const id = input.notification_id;
    const [found] = await ctx.db
      .select({ readAt: notifications.readAt })
      .from(notifications)
      .where(and(eq(notifications.id, id), mine(me.id)))
      .limit(1);
    if (!found) throw notFound("Notification");
    if (found.readAt) return { updated: 0 };
    const done = await ctx.db
      .update(notifications)
      .set({ readAt: now, emailPending: false })
      .where(and(eq(notifications.id, id), isNull(notifications.readAt)))
      .returning({ id: notifications.id });
    return { updated: done.length };
  }
  const done = await ctx.db
    .update(notifications)
    .set({ readAt: now, emailPending: false })
    .where(and(mine(me.id), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return { updated: done.length };
}

/** SSE of the caller's NotificationHub: `notification` and `workspace_event` events. */
export async function streamNotifications(ctx: ServiceContext, since: number, signal?: AbortSignal): Promise<Response> {
  const me = await currentMember(ctx);
  return relayRoomAsSse(notificationHub(ctx, me.id), { since, requestId: ctx.requestId, ...(signal ? { signal } : {}) });
}
