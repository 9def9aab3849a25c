import { and, asc, eq, inArray, isNull, lte, ne, or, sql } from "drizzle-orm";
import type { Bindings } from "../../env";
import { createContext, type ServiceContext } from "../../platform/context";
import type { Db } from "../../platform/db";
import { enqueueEmail } from "../../platform/email/outbox";
import { uuidv7 } from "../../platform/ids";
import { sumOverTenants } from "../../platform/tenancy/each";
import { members } from "../members/tables";
import { EVENT_TYPES, isEventType } from "./catalogue";
import { absoluteLink, escapeHtml } from "./internal";
import { notificationEmailSettings, notifications } from "./tables";

/** Items listed in one digest email; the rest are summarised with a link. */
const LISTED = 50;

interface Workspace {
  id: string;
  name: string;
}

/**
 * The digest job (run from the cron): for every active workspace, each member with pending
 * digest notifications whose digest is due (digest mode and `last_digest_at` at least
 * `digest_frequency_minutes` ago, or never sent) gets ONE email listing their unread,
 * not-yet-emailed notifications; those are marked emailed. A member who switched back to
 * instant gets their leftovers at once. Returns how many digest emails were queued.
 * Workspaces whose schema is behind are skipped (their API answers 503 until migrated);
 * a failing workspace is logged and does not stop the others.
 */
export async function sendNotificationDigests(env: Bindings, now = Date.now()): Promise<number> {
  const ctx = createContext({ env, requestId: uuidv7(), actor: { kind: "system", name: "notification-digest" }, waitUntil: () => {} });
  try {
    return await sumOverTenants(ctx, "notification digest", (db, ws) => digestWorkspace(ctx, db, ws, new Date(now)));
  } finally {
    await ctx.connections.close();
  }
}

async function digestWorkspace(ctx: ServiceContext, db: Db, ws: Workspace, now: Date): Promise<number> {
  const s = notificationEmailSettings;
  const due = or(
    isNull(s.memberId),
    ne(s.emailDeliveryMode, "digest"),
    isNull(s.lastDigestAt),
    lte(sql`${s.lastDigestAt} + make_interval(mins => ${s.digestFrequencyMinutes})`, now),
  );
  const pending = await db
    .select({ n: notifications, email: members.email, name: members.displayName, fullName: members.fullName })
    .from(notifications)
    .innerJoin(members, eq(members.id, notifications.recipientMemberId))
    .leftJoin(s, eq(s.memberId, notifications.recipientMemberId))
    .where(
      and(
        eq(notifications.emailPending, true),
        isNull(notifications.emailedAt),
        isNull(notifications.readAt),
        eq(members.isActive, true),
        due,
      ),
    )
    .orderBy(asc(notifications.createdAt));
  if (pending.length === 0) return 0;

  // Claim first: a concurrent run cannot send the same notifications twice.
  const claimed = new Set(
    (
      await db
        .update(notifications)
        .set({ emailedAt: now, emailPending: false })
        .where(
          and(
            inArray(
              notifications.id,
              pending.map((p) => p.n.id),
            ),
            isNull(notifications.emailedAt),
          ),
        )
        .returning({ id: notifications.id })
    ).map((r) => r.id),
  );
  const byMember = new Map<string, typeof pending>();
  for (const p of pending) {
    if (!claimed.has(p.n.id)) continue;
    const list = byMember.get(p.n.recipientMemberId) ?? [];
    list.push(p);
    byMember.set(p.n.recipientMemberId, list);
  }

  let sent = 0;
  for (const [memberId, items] of byMember) {
    const ids = items.map((i) => i.n.id);
    try {
      await enqueueEmail(ctx.control, digestEmail(ctx.env.APP_URL, ws, items));
    } catch (e) {
      console.error(
        JSON.stringify({ level: "error", msg: "digest email failed", workspace_id: ws.id, member_id: memberId, error: String(e) }),
      );
      await db.update(notifications).set({ emailedAt: null, emailPending: true }).where(inArray(notifications.id, ids));
      continue;
    }
    await db.update(s).set({ lastDigestAt: now }).where(eq(s.memberId, memberId));
    sent++;
  }
  return sent;
}

type Item = { n: typeof notifications.$inferSelect; email: string; name: string | null; fullName: string | null };

function digestEmail(appUrl: string, ws: Workspace, items: Item[]) {
  const first = items[0] as Item;
  const highlighted = (i: Item) => isEventType(i.n.eventType) && EVENT_TYPES[i.n.eventType].highlight;
  const attention = items.filter(highlighted);
  const other = items.filter((i) => !highlighted(i));
  const label = (t: string) => (isEventType(t) ? EVENT_TYPES[t].label : t);
  const inbox = absoluteLink(appUrl, "/notifications");
  const manage = absoluteLink(appUrl, "/settings/notifications");
  let budget = LISTED;
  const take = (list: Item[]) => {
    const shown = list.slice(0, Math.max(0, budget));
    budget -= shown.length;
    return shown;
  };
  const sections = [
    { title: "Needs your attention", list: take(attention), strong: true },
    { title: "Other updates", list: take(other), strong: false },
  ].filter((sec) => sec.list.length > 0);
  const more = items.length - LISTED;
  const who = first.name ?? first.fullName;
  const greeting = who ? `Hello ${who},` : "Hello,";

  const text: string[] = [greeting, "", `Here is what happened in ${ws.name}:`, ""];
  const html: string[] = [`<p>Here is what happened in <strong>${escapeHtml(ws.name)}</strong>:</p>`];
  for (const sec of sections) {
    text.push(sec.title, "");
    html.push(`<h3>${escapeHtml(sec.title)}</h3><ul>`);
    for (const { n } of sec.list) {
      const link = absoluteLink(appUrl, n.link);
      text.push(`- [${label(n.eventType)}] ${n.title}${sec.strong ? " (needs your attention)" : ""}`);
      if (n.body) text.push(`  ${n.body.slice(0, 300)}`);
      if (link) text.push(`  ${link}`);
      const title = link ? `<a href="${escapeHtml(link)}">${escapeHtml(n.title)}</a>` : escapeHtml(n.title);
      html.push(
        `<li>${sec.strong ? `<strong>${title}</strong>` : title} <small>${escapeHtml(label(n.eventType))}</small>` +
          `${n.body ? `<br>${escapeHtml(n.body.slice(0, 300))}` : ""}</li>`,
      );
    }
    text.push("");
    html.push("</ul>");
  }
  if (more > 0) {
    text.push(`…and ${more} more: ${inbox}`, "");
    html.push(`<p>…and ${more} more: <a href="${escapeHtml(inbox ?? "")}">open your notifications</a></p>`);
  }
  text.push(`—\nYou get these digests because email delivery is set to digest. Change it here: ${manage}`);
  html.push(`<p><small>Change how you get notification emails: <a href="${escapeHtml(manage ?? "")}">settings</a></small></p>`);

  const count = items.length;
  return {
    to: first.email,
    subject: `${count} new notification${count === 1 ? "" : "s"} in ${ws.name}`,
    text: text.join("\n"),
    html: html.join("\n"),
    template: "notification_digest",
    data: {
      workspace_id: ws.id,
      member_id: first.n.recipientMemberId,
      count,
      highlighted: attention.length,
      notification_ids: items.map((i) => i.n.id),
    },
  };
}
