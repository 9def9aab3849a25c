import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { members } from "../tables";
import { currentMember } from "./records";

/** Onboarding tours: a map of tour id → completed, on the caller's member record. */
export async function getMyTours(ctx: ServiceContext) {
  const m = await currentMember(ctx);
  return { tours: m.tours, onboarding_completed: m.onboardingCompleted };
}

export async function setMyTour(ctx: ServiceContext, input: { tour_id: string; completed: boolean }) {
  const m = await currentMember(ctx);
  const tours = { ...m.tours, [input.tour_id]: input.completed };
  await ctx.db.update(members).set({ tours }).where(eq(members.id, m.id));
  return { tours, onboarding_completed: m.onboardingCompleted };
}

/** Resets one tour, or all of them when no tour id is given. */
export async function resetMyTours(ctx: ServiceContext, tourId?: string) {
  const m = await currentMember(ctx);
  const tours = { ...m.tours };
  if (tourId) delete tours[tourId];
  await ctx.db
    .update(members)
    .set({ tours: tourId ? tours : {} })
    .where(eq(members.id, m.id));
  return { tours: tourId ? tours : {}, onboarding_completed: m.onboardingCompleted };
}
