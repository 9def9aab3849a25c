import type { members } from "./tables";

type MemberRow = typeof members.$inferSelect;

export function toMember(m: MemberRow) {
  return {
    id: m.id,
    user_id: m.userId,
    email: m.email,
    full_name: m.fullName,
    display_name: m.displayName,
    avatar_url: m.avatarUrl,
    title: m.title,
    role: m.role,
    is_active: m.isActive,
    tours: m.tours,
    onboarding_completed: m.onboardingCompleted,
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
  };
}
