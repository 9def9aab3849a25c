import { and, eq } from "drizzle-orm";
import type { OwnedItemsProvider } from "../members/service";
import { teamMembers, teams } from "./tables";

/** Offboarding: teams a member leads, and handing their lead role over to someone else. */
export const teamOwnedItems: OwnedItemsProvider = {
  type: "teams",
  async list(ctx, memberId) {
    const rows = await ctx.db
      .select({ id: teams.id, name: teams.name })
      .from(teamMembers)
      .innerJoin(teams, eq(teams.id, teamMembers.teamId))
      .where(and(eq(teamMembers.memberId, memberId), eq(teamMembers.role, "lead")));
    return rows.map((r) => ({ ...r, relation: "lead" }));
  },
  async reassign(ctx, from, to) {
    return ctx.db.transaction(async (tx) => {
      const led = await tx
        .select({ teamId: teamMembers.teamId })
        .from(teamMembers)
        .where(and(eq(teamMembers.memberId, from), eq(teamMembers.role, "lead")));
      for (const { teamId } of led) {
        await tx
          .insert(teamMembers)
          .values({ teamId, memberId: to, role: "lead" })
          .onConflictDoUpdate({ target: [teamMembers.teamId, teamMembers.memberId], set: { role: "lead" } });
        await tx
          .update(teamMembers)
          .set({ role: "member" })
          .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.memberId, from)));
      }
      await tx.update(teams).set({ leadMemberId: to }).where(eq(teams.leadMemberId, from));
      await tx.update(teams).set({ createdByMemberId: to }).where(eq(teams.createdByMemberId, from));
      return led.length;
    });
  },
};
