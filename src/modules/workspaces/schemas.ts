import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";

export const RoleSchema = z.enum(["owner", "admin", "member", "viewer"]).openapi("Role");

export const WorkspaceSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    status: z.string().openapi({ description: "provisioning, active or failed" }),
    plan: z.string(),
    owner_id: z.uuid().nullable(),
    role: RoleSchema.openapi({ description: "The caller's role in this workspace" }),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("Workspace");

export const WorkspaceCreate = z
  .object({
    name: z.string().trim().min(1).max(120),
  })
  .openapi("WorkspaceCreate");
export type WorkspaceCreate = z.infer<typeof WorkspaceCreate>;

export const WorkspaceIdParam = z.object({
  workspace_id: z.string().openapi({ param: { name: "workspace_id", in: "path" }, example: "0190f2a4-…" }),
});

export const CreateWorkspaceQuery = z.object({
  skip_seed: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true")
    .openapi({ param: { name: "skip_seed", in: "query" }, type: "boolean" }),
});

const email = z
  .email()
  .max(254)
  .transform((s) => s.trim().toLowerCase());

export const WorkspaceUpdate = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    settings: z.record(z.string(), z.unknown()).optional().openapi({ description: "Merged key by key into the current settings" }),
  })
  .strict()
  .openapi("WorkspaceUpdate");

export const WorkspaceMemberStatusSchema = z
  .object({
    id: z.uuid().openapi({ description: "WorkspaceMember id" }),
    user_id: z.uuid(),
    email: z.string(),
    full_name: z.string().nullable(),
    avatar_url: z.string().nullable(),
    role: RoleSchema,
    status: z.enum(["active", "pending"]),
    is_active: z.boolean(),
    invited_at: isoDate,
    joined_at: isoDate.nullable(),
  })
  .openapi("WorkspaceMemberStatus");

export const InviteRequest = z
  .object({
    email,
    role: RoleSchema.default("member"),
    full_name: z.string().trim().min(1).max(120).optional(),
  })
  .openapi("InviteRequest");

export const InvitationSchema = z
  .object({
    member_id: z.uuid(),
    workspace_id: z.uuid(),
    user_id: z.uuid(),
    email: z.string(),
    role: RoleSchema,
    status: z.string(),
    delivery: z.enum(["email", "link"]).openapi({
      description: "`email`: the token went only to the invitee's mailbox. `link`: the token is returned here to share.",
    }),
    invite_url: z.string().nullable().openapi({ description: "Only for invite links; an emailed invitation's URL is never shown" }),
    expires_at: isoDate,
    token: z.string().optional().openapi({ description: "Only for invite links (no email is sent)" }),
  })
  .openapi("Invitation");

export const InvitationTokenQuery = z.object({
  token: z
    .string()
    .min(16)
    .max(512)
    .openapi({ param: { name: "token", in: "query" } }),
});

export const InvitationDetailsSchema = z
  .object({
    workspace_id: z.uuid(),
    workspace_name: z.string(),
    email: z.string(),
    full_name: z.string().nullable(),
    role: RoleSchema,
    requires_sign_in: z.boolean().openapi({ description: "The email has an account: accept signed in as it, or with its password" }),
    requires_password: z.boolean().openapi({ description: "A new account: accepting sets its first password" }),
    requires_email_verification: z
      .boolean()
      .openapi({ description: "A new account holding a shared link: accepting emails the invitee a link to finish joining" }),
    expires_at: isoDate,
  })
  .openapi("InvitationDetails");

export const InvitationVerificationSentSchema = z
  .object({
    status: z.literal("verification_sent"),
    message: z.string(),
    email: z.string(),
    workspace_id: z.uuid(),
  })
  .openapi("InvitationVerificationSent");

export const AcceptInvitationRequest = z
  .object({
    token: z.string().min(16).max(512),
    password: z.string().min(8, "Password must be at least 8 characters").max(128).optional(),
    full_name: z.string().trim().min(1).max(120).optional(),
  })
  .openapi("AcceptInvitation");

export const CancelInvitationRequest = z
  .object({
    workspace_id: z.uuid(),
    member_id: z.uuid().optional(),
    user_id: z.uuid().optional(),
    email: email.optional(),
  })
  .refine((v) => v.member_id || v.user_id || v.email, { message: "Give member_id, user_id or email", path: ["member_id"] })
  .openapi("CancelInvitation");

export const ResendInvitationRequest = z
  .object({ member_id: z.uuid().optional(), user_id: z.uuid().optional() })
  .refine((v) => v.member_id || v.user_id, { message: "Give member_id or user_id", path: ["member_id"] })
  .openapi("ResendInvitation");

export const SwitchWorkspaceRequest = z.object({ workspace_id: z.uuid() }).openapi("SwitchWorkspace");
export const SwitchWorkspaceSchema = z.object({ workspace_id: z.uuid(), workspace: WorkspaceSchema }).openapi("SwitchedWorkspace");

export const ProvisionWorkspaceRequest = z
  .object({
    email,
    full_name: z.string().trim().min(1).max(120).optional(),
    workspace_name: z.string().trim().min(1).max(120),
    plan: z.enum(["trial", "starter", "manager", "agency"]).optional(),
  })
  .openapi("ProvisionWorkspace");
export const ProvisionedWorkspaceSchema = z
  .object({ workspace: WorkspaceSchema, user_id: z.uuid(), user_created: z.boolean() })
  .openapi("ProvisionedWorkspace");

export const WorkspaceUserParams = z.object({
  workspace_id: z.string().openapi({ param: { name: "workspace_id", in: "path" } }),
  user_id: z.string().openapi({ param: { name: "user_id", in: "path" } }),
});
export const WorkspaceMemberParams = z.object({
  workspace_id: z.string().openapi({ param: { name: "workspace_id", in: "path" } }),
  member_id: z.string().openapi({ param: { name: "member_id", in: "path" } }),
});
export const ResetLinkSchema = z.object({ reset_url: z.string(), expires_at: isoDate, email: z.string() }).openapi("PasswordResetLink");
export const MemberRemovedSchema = z
  .object({
    message: z.string(),
    member_id: z.uuid(),
    scenario: z.enum(["invitation_removed", "member_removed", "user_deleted"]),
    user_deleted: z.boolean(),
  })
  .openapi("MemberRemoved");
