import { and, eq } from "drizzle-orm";
import { actingAs, type ServiceContext } from "../../../platform/context";
import { isServiceError } from "../../../platform/errors";
import type { Audience } from "../../../platform/events/catalogue";
import { workspaceMembers } from "../../../platform/identity/tables";
import { agentRuns } from "../../agents/tables";
import { chatConversations } from "../../chat/tables";
import { visibleEntity } from "../../documents/service/entities";
import { members } from "../../members/tables";
import { hasPermission } from "../../permissions/service";
import type { EndpointRow } from "../internal";

/**
 * An endpoint acts as the member who created it, as an API key acts as its creator: it gets an
 * event about a private object only if that member, as they are now (active, role, channel
 * grants, team), may open the object (an AI employee's run: as the runs list shows it). Events every member sees need no check. An endpoint whose
 * creator is gone gets only those.
 */
export class AudienceCheck {
  private readonly viewers = new Map<string, Promise<{ ctx: ServiceContext; memberId: string } | null>>();
  private readonly answers = new Map<string, Promise<boolean>>();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly workspaceId: string,
  ) {}

  allows(ep: EndpointRow, audience: Audience | null): Promise<boolean> {
    if (!audience) return Promise.resolve(true);
    const creator = ep.createdByMemberId;
    if (!creator) return Promise.resolve(false);
    const key = `${creator}|${audience.type}|${audience.id}`;
    let answer = this.answers.get(key);
    if (!answer) {
      answer = this.check(creator, audience);
      this.answers.set(key, answer);
    }
    return answer;
  }

  private async check(memberId: string, audience: Audience): Promise<boolean> {
    if (audience.type === "conversation") {
      // A person's AI chat is theirs alone, whatever their role.
      const [c] = await this.ctx.db
        .select({ memberId: chatConversations.memberId })
        .from(chatConversations)
        .where(eq(chatConversations.id, audience.id));
      return c?.memberId === memberId;
    }
    const viewer = await this.viewer(memberId);
    if (!viewer) return false;
    if (audience.type === "integration") return hasPermission(viewer.ctx, "can_view_integration");
    if (audience.type === "agent_run") {
      // The same rule as the runs list: whoever gave the work, or managers of AI employees.
      const [r] = await this.ctx.db.select({ by: agentRuns.invokedByMemberId }).from(agentRuns).where(eq(agentRuns.id, audience.id));
      return !!r && (r.by === memberId || (await hasPermission(viewer.ctx, "can_manage_agents")));
    }
    try {
      await visibleEntity(viewer.ctx, audience.type, audience.id);
      return true;
    } catch (e) {
      if (isServiceError(e) && (e.code === "not_found" || e.code === "forbidden")) return false;
      throw e;
    }
  }

  /** A context acting as the member (null when they left or were deactivated), on this invocation's connections. */
  private viewer(memberId: string) {
    let v = this.viewers.get(memberId);
    if (!v) {
      v = (async () => {
        const [m] = await this.ctx.db
          .select({ userId: members.userId, isActive: members.isActive })
          .from(members)
          .where(eq(members.id, memberId));
        if (!m?.isActive) return null;
        const [wm] = await this.ctx.control
          .select({ id: workspaceMembers.id, role: workspaceMembers.role })
          .from(workspaceMembers)
          .where(
            and(
              eq(workspaceMembers.workspaceId, this.workspaceId),
              eq(workspaceMembers.userId, m.userId),
              eq(workspaceMembers.status, "active"),
            ),
          );
        if (!wm) return null;
        const actor = { kind: "user" as const, userId: m.userId, email: "" };
        return { ctx: actingAs(this.ctx, actor, { id: this.workspaceId, role: wm.role, membershipId: wm.id }), memberId };
      })();
      this.viewers.set(memberId, v);
    }
    return v;
  }
}
