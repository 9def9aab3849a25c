import type { Role } from "./tables";

export const ROLE_RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export const atLeast = (role: Role, min: Role) => ROLE_RANK[role] >= ROLE_RANK[min];
export const isAdmin = (role: Role) => atLeast(role, "admin");
/** Power over another person's account (their email, their password): a strictly higher role. */
export const outranks = (role: Role, other: Role) => ROLE_RANK[role] > ROLE_RANK[other];
export const isRole = (s: string): s is Role => Object.hasOwn(ROLE_RANK, s);
