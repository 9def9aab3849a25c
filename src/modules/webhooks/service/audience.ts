import { eq } from "drizzle-orm";
import { actingAs, type ServiceContext } from "../../../platform/context";
import { isServiceError } from "../../../platform/errors";
import type { Audience } from "../../../platform/events/catalogue";
import { agentRuns } from "../../agents/tables";
import { chatConversations } from "../../chat/tables";
import { visibleEntity } from "../../documents/service/entities";
import { currentMember } from "../../members/service";
import { members } from "../../members/tables";
import { hasPermission } from "../../permissions/service";
import type { EndpointRow } from "../internal";

type Viewer = { ctx: ServiceContext; memberId: string };

/**
 * Whether the member `viewer` acts as may open what `audience` names, by the owning module's own
 * rule: a person's AI chat is theirs alone; an AI employee's run is its giver's or visible to
 * managers of employees (as the runs list shows it); integrations need can_view_integration;
 * tasks need can_view_action and the task's visibility; channels, recordsets and documents their
 * module's detail check.
 */
export async function maySee(v: Viewer, audience: Audience): Promise<boolean> {
  const db = v.ctx.db;
  switch (audience.type) {
    case "conversation": {
      const [c] = await db.select({ by: chatConversations.memberId }).from(chatConversations).where(eq(chatConversations.id, audience.id));
      return c?.by === v.memberId;
    }
    case "agent_run": {
      const [r] = await db.select({ by: agentRuns.invokedByMemberId }).from(agentRuns).where(eq(agentRuns.id, audience.id));
      return !!r && (r.by === v.memberId || (await hasPermission(v.ctx, "can_manage_agents")));
    }
    case "integration":
      return hasPermission(v.ctx, "can_view_integration");
    case "task":
      if (!(await hasPermission(v.ctx, "can_view_action"))) return false;
      break;
  }
  try {
    await visibleEntity(v.ctx, audience.type, audience.id);
    return true;
  } catch (e) {
    if (isServiceError(e) && (e.code === "not_found" || e.code === "forbidden")) return false;
    throw e;
  }
}

/** The caller's own view (a request acting as a member): may they see what `audience` names? */
export async function callerMaySee(ctx: ServiceContext, audience: Audience | null): Promise<boolean> {
  if (!audience) return true;
  return maySee({ ctx, memberId: (await currentMember(ctx)).id }, audience);
}

/**
 * An endpoint acts as the member who created it (or last pointed it somewhere), as an API key
 * acts as its creator: it gets an event about a private object only if that member, as they are
 * now (active, role, grants, teams), may open the object. Events every member sees need no
 * check; an endpoint whose creator is gone gets only those. A check that hits a programming error
 * is logged and counts as "no" for that event alone, so one bad row cannot stall the workspace.
 */
export class AudienceCheck {
  private readonly viewers = new Map<string, Promise<Viewer | null>>();
  private readonly answers = new Map<string, Promise<boolean>>();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly workspaceId: string,
  ) {}

  allows(ep: Pick<EndpointRow, "createdByMemberId">, audience: Audience | null): Promise<boolean> {
    if (!audience) return Promise.resolve(true);
    const creator = ep.createdByMemberId;
    if (!creator) return Promise.resolve(false);
    const key = `${creator}|${audience.type}|${audience.id}`;
    let answer = this.answers.get(key);
    if (!answer) {
      answer = this.check(creator, audience).catch((e) => {
        // Transient failures (the database) fail the fan-out, which the queue retries; a
        // programming error would fail every retry, so it drops this event for this endpoint.
        if (!(e instanceof TypeError || e instanceof RangeError || e instanceof SyntaxError)) throw e;
        console.error(
          JSON.stringify({
            level: "error",
            msg: "webhook audience check failed",
            audience,
            error: e instanceof Error ? e.message : String(e),
          }),
        );
        return false;
      });
      this.answers.set(key, answer);
    }
    return answer;
  }

  private async check(memberId: string, audience: Audience): Promise<boolean> {
    const viewer = await this.viewer(memberId);
    return !!viewer && maySee(viewer, audience);
  }

  /** A context acting as the member (null when they left or were deactivated), on this invocation's connections. */
  private viewer(memberId: string) {
    let v = this.viewers.get(memberId);
    if (!v) {
      v = (async () => {
        // The tenant's members row mirrors the membership (role, active), so no control query.
        const [m] = await this.ctx.db
          .select({ userId: members.userId, role: members.role, isActive: members.isActive })
          .from(members)
          .where(eq(members.id, memberId));
        if (!m?.isActive) return null;
        const actor = { kind: "user" as const, userId: m.userId, email: "" };
        return { ctx: actingAs(this.ctx, actor, { id: this.workspaceId, role: m.role, membershipId: "" }), memberId };
      })();
      this.viewers.set(memberId, v);
    }
    return v;
  }
}
