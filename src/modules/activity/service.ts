import type { ServiceContext } from "../../platform/context";
import { currentMember } from "../members/service";
import { activities } from "./tables";

export interface NewActivity {
  /** `<resource>.<verb>`, e.g. task.completed */
  type: string;
  subjectType: string;
  subjectId?: string | null;
  channelId?: string | null;
  summary: string;
  data?: Record<string, unknown>;
}

/** Every module records what it did through this; the actor is the caller's member (if any). */
export async function recordActivity(ctx: ServiceContext, a: NewActivity): Promise<void> {
  const actor = ctx.actor.kind === "user" || ctx.actor.kind === "api_key" ? await currentMember(ctx).catch(() => null) : null;
  await ctx.db.insert(activities).values({
    type: a.type,
    actorMemberId: actor?.id ?? null,
    subjectType: a.subjectType,
    subjectId: a.subjectId ?? null,
    channelId: a.channelId ?? null,
    summary: a.summary,
    data: a.data ?? {},
  });
}
