import { and, eq, isNull } from "drizzle-orm";
import { runAfterResponse, type ServiceContext } from "../../../platform/context";
import { enqueueEmail } from "../../../platform/email/outbox";
import { notify } from "../../notifications/service";
import { signApprovalLink } from "../internal";
import { approvalEvents, approvals } from "../tables";
import { decidersOf } from "./access";

/** A decision link lives as long as the approval, at most this long. */
export const LINK_TTL_SECONDS = 7 * 86_400;
/** Retries while the opening transaction has not committed yet; after that the sweep takes over. */
const VISIBLE_RETRIES_MS = [0, 100, 400, 1500];

export const linkUrl = (ctx: ServiceContext, token: string) => new URL(`/api/v1/approvals/links/${token}`, ctx.env.API_URL).toString();

/**
 * After the opener's transaction commits: notifies the deciders. The opener passes its transaction,
 * so the row becomes visible only at commit; this polls briefly for it, and a row never seen
 * (rolled back) is simply not notified.
 */
export function scheduleNotification(ctx: ServiceContext, approvalId: string): void {
  runAfterResponse(ctx, "approval notification", async (bg) => {
    for (const ms of VISIBLE_RETRIES_MS) {
      if (ms) await new Promise((r) => setTimeout(r, ms));
      const [row] = await bg.db.select({ id: approvals.id }).from(approvals).where(eq(approvals.id, approvalId));
      if (row) return notifyApproval(bg, approvalId);
    }
  });
}

/**
 * Notifies every current decider once (claimed with notified_at): an in-app notification and an
 * email carrying the decider's own signed, expiring approve/reject link. Returns whether it sent.
 */
export async function notifyApproval(ctx: ServiceContext, approvalId: string): Promise<boolean> {
  const [row] = await ctx.db
    .update(approvals)
    .set({ notifiedAt: new Date() })
    .where(and(eq(approvals.id, approvalId), isNull(approvals.notifiedAt), eq(approvals.status, "pending")))
    .returning();
  if (!row) return false;
  const deciders = await decidersOf(ctx.db, row);
  const workspaceId = ctx.workspace?.id ?? "";
  const nowS = Math.floor(Date.now() / 1000);
  const cap = nowS + LINK_TTL_SECONDS;
  const exp = row.expiresAt ? Math.min(cap, Math.floor(row.expiresAt.getTime() / 1000)) : cap;
  await notify(ctx, {
    recipients: deciders.map((d) => d.id),
    eventType: "approval_requested",
    title: `Approval requested: ${row.title}`,
    body: row.summary,
    link: `/approvals/${row.id}`,
    data: { approval_id: row.id, source: row.source },
  });
  for (const d of deciders) {
    const token = await signApprovalLink(ctx.env.SIGNING_KEY, { workspaceId, approvalId: row.id, memberId: d.id, exp });
    const url = linkUrl(ctx, token);
    const lines = [
      `Your approval is requested: ${row.title}`,
      "",
      ...(row.summary ? [row.summary, ""] : []),
      `Review and approve or reject: ${url}`,
      "",
      `This link is yours alone and works until ${new Date(exp * 1000).toISOString()} while the request is open.`,
    ];
    await enqueueEmail(ctx.control, {
      to: d.email,
      subject: `Approval requested: ${row.title}`,
      text: lines.join("\n"),
      template: "approval_request",
      data: {
        approval_id: row.id,
        workspace_id: workspaceId,
        member_id: d.id,
        link: url,
        token,
        expires_at: new Date(exp * 1000).toISOString(),
      },
    });
  }
  await ctx.db
    .insert(approvalEvents)
    .values({ approvalId: row.id, kind: "notified", via: "system", data: { member_ids: deciders.map((d) => d.id) } });
  return true;
}
