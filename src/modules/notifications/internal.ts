import { iso } from "../../platform/openapi";
import type { notificationEmailSettings, notificationPreferences, notifications } from "./tables";

type NotificationRow = typeof notifications.$inferSelect;
type PreferenceRow = typeof notificationPreferences.$inferSelect;
type EmailSettingsRow = typeof notificationEmailSettings.$inferSelect;

/** The API (and stream) shape of a notification. */
export function toNotification(n: NotificationRow) {
  return {
    id: n.id,
    recipient_member_id: n.recipientMemberId,
    actor_member_id: n.actorMemberId,
    event_type: n.eventType,
    title: n.title,
    body: n.body,
    link: n.link,
    data: n.data,
    is_read: n.readAt !== null,
    read_at: iso(n.readAt),
    created_at: n.createdAt.toISOString(),
  };
}

export function toPreference(p: PreferenceRow) {
  return {
    id: p.id,
    member_id: p.memberId,
    event_type: p.eventType,
    inapp_enabled: p.inappEnabled,
    email_enabled: p.emailEnabled,
    whatsapp_enabled: p.whatsappEnabled,
    muted: p.muted,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

export function toEmailPreference(s: EmailSettingsRow | undefined) {
  return {
    email_delivery_mode: s?.emailDeliveryMode ?? "instant",
    digest_frequency_minutes: s?.digestFrequencyMinutes ?? 60,
    last_digest_at: iso(s?.lastDigestAt),
  };
}

/** Absolute link for emails (notification links are app paths like /tasks/…). */
export function absoluteLink(appUrl: string, link: string | null): string | null {
  if (!link) return null;
  try {
    return new URL(link, appUrl).toString();
  } catch {
    return null;
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}
