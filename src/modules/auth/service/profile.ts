import { and, asc, eq, ne, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { actorUserId, type ServiceContext } from "../../../platform/context";
import { isUniqueViolation } from "../../../platform/db";
import { ServiceError } from "../../../platform/errors";
import { isAdmin, outranks, ROLE_RANK } from "../../../platform/identity/roles";
import { type Role, users, workspaceMembers, workspaces } from "../../../platform/identity/tables";
import { isUuid, uuidv7 } from "../../../platform/ids";
import { bumpMembershipEpoch } from "../../../platform/tenancy/claims";
import { resolveWorkspace } from "../../../platform/tenancy/resolve";
import { toMember } from "../../members/internal";
import { findMemberByUser, syncMemberProfile } from "../../members/service";
import { toWorkspace } from "../../workspaces/internal";
import { getUserOrThrow, toUser, type UserRow } from "../internal";
import type { UpdateMeRequest, UpdateUserRequest } from "../schemas";
import { confirmCurrentPassword, emailChange, emailChanged } from "./email-change";

export async function getMe(ctx: ServiceContext, input: { workspace_id?: string | undefined }) {
  const userId = actorUserId(ctx);
  // One round trip (one pooled connection) for the user and their workspaces: /me is hot.
  const rows = await ctx.control
    .select({ u: users, w: workspaces, role: workspaceMembers.role })
    .from(users)
    .leftJoin(workspaceMembers, and(eq(workspaceMembers.userId, users.id), eq(workspaceMembers.status, "active")))
    .leftJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
    .where(eq(users.id, userId))
    .orderBy(asc(workspaceMembers.createdAt));
  const user = rows[0]?.u;
  if (!user?.isActive) throw new ServiceError("unauthorized", "This account is disabled");
  const mine = rows.flatMap((r) => (r.w && r.role ? [toWorkspace(r.w, r.role)] : []));
  let member = null;
  if (input.workspace_id) {
    // Not a member (or no such workspace): 404, the same as any foreign object.
    if (!ctx.workspace || ctx.workspace.id !== input.workspace_id) await resolveWorkspace(ctx, input.workspace_id, userId);
    const m = await findMemberByUser(ctx.db, userId);
    member = m ? toMember(m) : null;
  }
  const a = ctx.actor;
  return {
    ...toUser(user),
    workspace_id: input.workspace_id ?? mine[0]?.id ?? null,
    workspaces: mine,
    member,
    impersonated_by: a.kind === "user" ? (a.impersonatorId ?? null) : null,
  };
}

function profileSet(input: UpdateMeRequest) {
  const set: Partial<typeof users.$inferInsert> = {};
  if (input.full_name !== undefined) set.fullName = input.full_name;
  if (input.display_name !== undefined) set.displayName = input.display_name;
  if (input.title !== undefined) set.title = input.title;
  if (input.phone !== undefined) set.phone = input.phone;
  if (input.bio !== undefined) set.bio = input.bio;
  if (input.avatar_url !== undefined) set.avatarUrl = input.avatar_url;
  return set;
}

async function saveUser(ctx: ServiceContext, userId: string, set: Partial<typeof users.$inferInsert>): Promise<UserRow> {
  if (Object.keys(set).length === 0) return getUserOrThrow(ctx.control, userId);
  try {
    const [u] = await ctx.control.update(users).set(set).where(eq(users.id, userId)).returning();
    if (!u) throw new ServiceError("not_found", "User not found");
    return u;
  } catch (e) {
    if (isUniqueViolation(e)) throw new ServiceError("conflict", "A user with this email already exists");
    throw e;
  }
}

/** Mirrors profile fields into the member record of the bound workspace, if any. */
async function mirrorToWorkspace(ctx: ServiceContext, u: UserRow, role?: Role) {
  if (!ctx.workspace) return;
  await syncMemberProfile(ctx.db, u.id, {
    email: u.email,
    fullName: u.fullName,
    avatarUrl: u.avatarUrl,
    title: u.title,
    ...(role ? { role } : {}),
  });
}

/** A new email needs the current password; the old address gets a link that undoes it. */
export async function updateMe(ctx: ServiceContext, input: UpdateMeRequest) {
  const userId = actorUserId(ctx);
  const { email, current_password, ...profile } = input;
  const set = profileSet(profile);
  const before = email === undefined ? undefined : await getUserOrThrow(ctx.control, userId);
  const newEmail = before && emailChange(before, email);
  if (before && newEmail) {
    await confirmCurrentPassword(ctx, before, current_password);
    set.email = newEmail;
  }
  const u = await saveUser(ctx, userId, set);
  if (before && newEmail) await emailChanged(ctx, before, u.email, "self");
  await mirrorToWorkspace(ctx, u);
  return toUser(u);
}

interface SharedMembership {
  workspaceId: string;
  callerRole: Role;
  targetRole: Role;
}

/** Workspaces both users are in (caller active), limited to the bound workspace when there is one. */
async function sharedMemberships(ctx: ServiceContext, callerId: string, targetId: string): Promise<SharedMembership[]> {
  // Ids come from paths: one that is not a uuid matches no one (and must not reach a uuid column).
  if (!isUuid(targetId)) return [];
  const target = alias(workspaceMembers, "target");
  const rows = await ctx.control
    .select({ workspaceId: workspaceMembers.workspaceId, callerRole: workspaceMembers.role, targetRole: target.role })
    .from(workspaceMembers)
    .innerJoin(target, eq(target.workspaceId, workspaceMembers.workspaceId))
    .where(
      and(
        eq(workspaceMembers.userId, callerId),
        eq(workspaceMembers.status, "active"),
        eq(target.userId, targetId),
        // Only accepted members: an invitation does not make someone's account yours to edit.
        eq(target.status, "active"),
        ctx.workspace ? eq(workspaceMembers.workspaceId, ctx.workspace.id) : sql`true`,
      ),
    );
  return rows;
}

/**
 * The seed's rule: you may see a user when you share a workspace where your role is the same
 * or higher than theirs. Anyone else is a 404 (their existence is not confirmed).
 */
export async function getUserById(ctx: ServiceContext, userId: string) {
  const callerId = actorUserId(ctx);
  const user = await getUserOrThrow(ctx.control, userId);
  if (userId !== callerId) {
    const shared = await sharedMemberships(ctx, callerId, userId);
    if (!shared.some((s) => ROLE_RANK[s.callerRole] >= ROLE_RANK[s.targetRole])) throw new ServiceError("not_found", "User not found");
  }
  return toUser(user);
}

/**
 * Editing someone else needs admin or owner rank at least theirs in a shared workspace (their
 * email: a strictly higher rank). A role change applies to the workspace in X-Workspace-Id,
 * never above the caller's own role. Your own email needs your current password.
 */
export async function updateUserById(ctx: ServiceContext, userId: string, input: UpdateUserRequest) {
  const callerId = actorUserId(ctx);
  const before = await getUserOrThrow(ctx.control, userId);
  const { role, email, current_password, ...profile } = input;
  let shared: SharedMembership | undefined;
  if (userId !== callerId) {
    const all = await sharedMemberships(ctx, callerId, userId);
    const visible = all.filter((s) => ROLE_RANK[s.callerRole] >= ROLE_RANK[s.targetRole]);
    if (visible.length === 0) throw new ServiceError("not_found", "User not found");
    shared = visible.find((s) => isAdmin(s.callerRole));
    if (!shared) throw new ServiceError("forbidden", "Only workspace admins and owners can edit other users");
  }
  // Checked before anything is written.
  const newEmail = emailChange(before, email);
  if (newEmail && !shared) await confirmCurrentPassword(ctx, before, current_password);
  else if (newEmail && shared) await assertMayChangeEmail(ctx, shared, userId);
  if (role !== undefined) {
    if (!ctx.workspace) {
      throw new ServiceError("validation_error", "Changing a role needs the X-Workspace-Id header", {
        issues: [{ loc: ["header", "x-workspace-id"], msg: "Field required to change a role", type: "missing" }],
      });
    }
    if (userId === callerId) throw new ServiceError("forbidden", "You cannot change your own role");
    await changeRole(ctx, shared as SharedMembership, userId, role);
  }
  const set = profileSet(profile);
  if (newEmail) set.email = newEmail;
  const u = await saveUser(ctx, userId, set);
  if (newEmail) await emailChanged(ctx, before, u.email, shared ? "admin" : "self");
  await mirrorToWorkspace(ctx, u, role);
  return toUser(u);
}

/**
 * The email is where password resets go: changing someone else's needs a strictly higher role
 * (owner over admin, admin over member and viewer), and only for an account that lives in that
 * workspace alone, never to take over someone's other workspaces.
 */
async function assertMayChangeEmail(ctx: ServiceContext, s: SharedMembership, userId: string) {
  if (!outranks(s.callerRole, s.targetRole)) {
    throw new ServiceError("forbidden", "Only someone with a higher role can change this person's email");
  }
  const elsewhere = await ctx.control.$count(
    workspaceMembers,
    and(eq(workspaceMembers.userId, userId), ne(workspaceMembers.workspaceId, s.workspaceId)),
  );
  if (elsewhere > 0) throw new ServiceError("forbidden", "This user belongs to other workspaces; only they can change their email");
}

async function changeRole(ctx: ServiceContext, s: SharedMembership, userId: string, role: Role) {
  if (ROLE_RANK[role] > ROLE_RANK[s.callerRole]) throw new ServiceError("forbidden", "You cannot grant a role above your own");
  if (s.targetRole === "owner" && role !== "owner") {
    const owners = await ctx.control.$count(
      workspaceMembers,
      and(eq(workspaceMembers.workspaceId, s.workspaceId), eq(workspaceMembers.role, "owner"), eq(workspaceMembers.status, "active")),
    );
    if (owners <= 1) throw new ServiceError("conflict", "A workspace needs at least one owner");
  }
  await ctx.control
    .update(workspaceMembers)
    .set({ role })
    .where(and(eq(workspaceMembers.workspaceId, s.workspaceId), eq(workspaceMembers.userId, userId)));
  await bumpMembershipEpoch(ctx, userId);
}

// ---- Avatars ------------------------------------------------------------------------------

const AVATAR_MAX_BYTES = 5 * 1024 * 1024;
const AVATAR_TYPES: Record<string, { ext: string; magic: (b: Uint8Array) => boolean }> = {
  "image/png": { ext: "png", magic: (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 },
  "image/jpeg": { ext: "jpg", magic: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  "image/gif": { ext: "gif", magic: (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 },
  "image/webp": { ext: "webp", magic: (b) => b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50 },
};

export interface UploadedFile {
  type: string;
  size: number;
  bytes: Uint8Array;
}

/** Stores a profile picture in R2 and points avatar_url at the public avatar route. */
export async function uploadAvatar(ctx: ServiceContext, userId: string, file: UploadedFile | undefined) {
  if (!file) {
    throw new ServiceError("validation_error", "A file is required", {
      issues: [{ loc: ["body", "file"], msg: "Field required", type: "missing" }],
    });
  }
  const kind = AVATAR_TYPES[file.type];
  if (!kind) throw new ServiceError("unsupported_media_type", "Avatars must be PNG, JPEG, GIF or WebP images");
  if (file.size > AVATAR_MAX_BYTES) throw new ServiceError("payload_too_large", "Avatars can be at most 5 MB");
  if (!kind.magic(file.bytes)) throw new ServiceError("unsupported_media_type", "The file content is not a valid image of its type");
  const callerId = actorUserId(ctx);
  if (userId !== callerId) {
    // Same rule as editing the user.
    const shared = await sharedMemberships(ctx, callerId, userId);
    const visible = shared.filter((s) => ROLE_RANK[s.callerRole] >= ROLE_RANK[s.targetRole]);
    if (visible.length === 0) throw new ServiceError("not_found", "User not found");
    if (!visible.some((s) => isAdmin(s.callerRole)))
      throw new ServiceError("forbidden", "Only workspace admins and owners can change other users' avatars");
  }
  const filename = `${uuidv7()}.${kind.ext}`;
  await ctx.env.FILES.put(`avatars/${userId}/${filename}`, file.bytes, { httpMetadata: { contentType: file.type } });
  const url = new URL(`/api/v1/avatars/${userId}/${filename}`, ctx.env.API_URL).toString();
  const u = await saveUser(ctx, userId, { avatarUrl: url });
  await mirrorToWorkspace(ctx, u);
  return { avatar_url: url, user: toUser(u) };
}

const SAFE_FILENAME = /^[0-9a-f-]{36}\.(png|jpg|gif|webp)$/;

/** Avatars are public (like any chat app's), addressed by unguessable file names. */
export async function getAvatar(ctx: ServiceContext, userId: string, filename: string) {
  if (!SAFE_FILENAME.test(filename) || !/^[0-9a-f-]{36}$/.test(userId)) throw new ServiceError("not_found", "Avatar not found");
  const obj = await ctx.env.FILES.get(`avatars/${userId}/${filename}`);
  if (!obj) throw new ServiceError("not_found", "Avatar not found");
  return { body: obj.body, contentType: obj.httpMetadata?.contentType ?? "application/octet-stream", etag: obj.httpEtag };
}
