import type { Role } from "./tables";

export const ROLE_RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export const atLeast = (role: Role, min: Role) => ROLE_RANK[role] >= ROLE_RANK[min];
export const isAdmin = (role: Role) => atLeast(role, "admin");
