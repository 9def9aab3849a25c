import { type RoomClient, roomClient } from "../../platform/clients/rooms";
import type { ServiceContext } from "../../platform/context";
import { currentMember } from "../members/service";
import { notifications } from "./tables";

export interface NotifyInput {
  /** Member ids (tenant); the actor is never notified of their own action. */
  recipients: string[];
  /** e.g. task_assigned, mentioned, task_completed, channel_message */
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

/**
 * Turns an event into notifications for its recipients and pushes each to the recipient's
 * live stream. (Preferences — in-app, email, muted — are applied here by the notifications module.)
 */
export async function notify(ctx: ServiceContext, n: NotifyInput): Promise<void> {
  const actor = ctx.actor.kind === "user" || ctx.actor.kind === "api_key" ? await currentMember(ctx).catch(() => null) : null;
  const recipients = [...new Set(n.recipients)].filter((id) => id !== actor?.id);
  if (recipients.length === 0) return;
  const rows = await ctx.db
    .insert(notifications)
    .values(
      recipients.map((r) => ({
        recipientMemberId: r,
        actorMemberId: actor?.id ?? null,
        eventType: n.eventType,
        title: n.title,
        body: n.body ?? null,
        link: n.link ?? null,
        data: n.data ?? {},
      })),
    )
    .returning();
  await Promise.all(
    rows.map((row) =>
      notificationHub(ctx, row.recipientMemberId)
        .publish("notification", { ...row, created_at: row.createdAt.toISOString() })
        .catch((e) => console.error(JSON.stringify({ level: "error", msg: "notification push failed", error: String(e) }))),
    ),
  );
}
