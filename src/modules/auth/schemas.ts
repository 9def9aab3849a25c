import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";
import { MemberSchema } from "../members/schemas";
import { RoleSchema, WorkspaceSchema } from "../workspaces/schemas";

const email = z
  .email()
  .max(254)
  .transform((s) => s.trim().toLowerCase())
  .openapi({ example: "ada@example.com" });
const password = z.string().min(8, "Password must be at least 8 characters").max(128).openapi({ example: "correct horse battery" });
const name = z.string().trim().min(1).max(120);
const opaqueToken = z.string().min(16).max(512);

export const UserSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    full_name: z.string().nullable(),
    display_name: z.string().nullable(),
    title: z.string().nullable(),
    phone: z.string().nullable(),
    bio: z.string().nullable(),
    avatar_url: z.string().nullable(),
    is_active: z.boolean(),
    is_verified: z.boolean(),
    is_superuser: z.boolean(),
    last_login_at: isoDate.nullable(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("User");

export const TokenSchema = z
  .object({
    access_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal("bearer"),
    expires_in: z.number().int().openapi({ description: "Access token lifetime in seconds" }),
  })
  .openapi("Token");

export const AuthSessionSchema = TokenSchema.extend({
  user: UserSchema,
  workspace_id: z.uuid().nullable().openapi({ description: "The user's default (first) workspace" }),
}).openapi("AuthSession");

export const SignupRequest = z
  .object({
    email,
    password,
    full_name: name,
    company_name: name,
    plan: z.enum(["starter", "manager", "agency"]).default("starter"),
    payment_method_id: z.string().max(255).optional().openapi({ description: "Stripe payment method; billing issue" }),
  })
  .openapi("SignupRequest");
export type SignupRequest = z.infer<typeof SignupRequest>;

export const SignupResponseSchema = AuthSessionSchema.extend({
  workspace: WorkspaceSchema,
  checkout_url: z.string().nullable().openapi({ description: "Stripe Checkout URL when no payment method was given" }),
  subscription_id: z.string().nullable(),
}).openapi("SignupResponse");

export const StripeInviteSignupRequest = z
  .object({
    invite_code: z.string().min(6).max(128),
    password: password.optional(),
    full_name: name.optional(),
    company_name: name.optional(),
    clerk_id: z.string().min(1).max(255).optional(),
  })
  .refine((v) => v.password || v.clerk_id, { message: "password is required unless clerk_id is given", path: ["password"] })
  .openapi("StripeInviteSignupRequest");
export type StripeInviteSignupRequest = z.infer<typeof StripeInviteSignupRequest>;

export const SignupJobSchema = z
  .object({
    job_id: z.uuid(),
    stream_url: z.string(),
    status: z.string(),
  })
  .openapi("SignupJob");

export const JobIdParam = z.object({
  job_id: z.string().openapi({ param: { name: "job_id", in: "path" } }),
});

export const LoginRequest = z.object({ email, password: z.string().min(1).max(128) }).openapi("LoginRequest");
export const RefreshRequest = z.object({ refresh_token: opaqueToken }).openapi("RefreshRequest");
export const LogoutRequest = z
  .object({
    refresh_token: opaqueToken.optional().openapi({ description: "Revoke this session's refresh tokens" }),
    all_sessions: z.boolean().default(false).openapi({ description: "Revoke every session of the user" }),
  })
  .openapi("LogoutRequest");

export const MeSchema = UserSchema.extend({
  workspace_id: z.uuid().nullable().openapi({ description: "The requested workspace, else the default one" }),
  workspaces: z.array(WorkspaceSchema),
  member: MemberSchema.nullable().openapi({ description: "Member record in `workspace_id` when it was requested" }),
  impersonated_by: z.uuid().nullable(),
}).openapi("Me");

export const MeQuery = z.object({
  workspace_id: z
    .string()
    .optional()
    .openapi({ param: { name: "workspace_id", in: "query" } }),
});

const profileFields = {
  full_name: name.optional(),
  display_name: z.string().trim().max(120).nullable().optional(),
  title: z.string().trim().max(120).nullable().optional(),
  phone: z.string().trim().max(40).nullable().optional(),
  bio: z.string().max(2000).nullable().optional(),
  avatar_url: z.url().max(2048).nullable().optional(),
};

const currentPassword = z
  .string()
  .min(1)
  .max(128)
  .optional()
  .openapi({ description: "Your current password: required to change your own email (422 when missing, 403 when wrong)" });

export const UpdateMeRequest = z
  .object({
    ...profileFields,
    email: email.optional().openapi({
      description: "A new email (needs current_password). The old address is told, with a link that undoes the change for 7 days.",
    }),
    current_password: currentPassword,
  })
  .strict()
  .openapi("UpdateMeRequest");
export type UpdateMeRequest = z.infer<typeof UpdateMeRequest>;

export const UpdateUserRequest = z
  .object({ ...profileFields, email: email.optional(), role: RoleSchema.optional(), current_password: currentPassword })
  .strict()
  .openapi("UpdateUserRequest");
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;

export const UserIdParam = z.object({
  user_id: z.string().openapi({ param: { name: "user_id", in: "path" } }),
});

export const RegisterRequest = z.object({ email, password, full_name: name }).openapi("RegisterRequest");

export const ActivationValidateQuery = z.object({
  workspace_id: z
    .string()
    .min(1)
    .openapi({ param: { name: "workspace_id", in: "query" } }),
  token: opaqueToken.openapi({ param: { name: "token", in: "query" } }),
});

export const ActivationValidateSchema = z
  .object({
    valid: z.literal(true),
    user: z.object({ id: z.uuid(), email: z.string(), full_name: z.string().nullable(), has_password: z.boolean() }),
    workspace: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  })
  .openapi("ActivationValidation");

export const ActivateRequest = z.object({ token: opaqueToken, password, workspace_id: z.uuid().optional() }).openapi("ActivateRequest");
export const ResendActivationRequest = z.object({ email, workspace_id: z.uuid().optional() }).openapi("ResendActivationRequest");
export const PasswordResetRequest = z.object({ email }).openapi("PasswordResetRequest");
export const ResetPasswordRequest = z.object({ token: opaqueToken, new_password: password }).openapi("ResetPasswordRequest");
export const EmailChangeRevertRequest = z.object({ token: opaqueToken }).openapi("EmailChangeRevertRequest");
export const EmailChangeRevertSchema = z
  .object({
    message: z.string(),
    email: z.string().openapi({ description: "The account's email again" }),
    reset_url: z.string().openapi({ description: "A password reset link (single use) for setting a new password" }),
    reset_expires_at: isoDate,
  })
  .openapi("EmailChangeReverted");
export const ImpersonationExchangeRequest = z.object({ token: z.string().min(16).max(4096) }).openapi("ImpersonationExchange");

export const ClerkCheckRequest = z
  .object({
    email,
    clerk_id: z.string().min(1).max(255),
    first_name: z.string().max(120).optional(),
    last_name: z.string().max(120).optional(),
  })
  .openapi("ClerkCheckRequest");
export const ClerkCheckSchema = z
  .object({
    exists: z.boolean(),
    access_token: z.string().optional(),
    refresh_token: z.string().optional(),
    token_type: z.literal("bearer").optional(),
    expires_in: z.number().int().optional(),
    user: UserSchema.optional(),
    workspace_id: z.uuid().nullable().optional(),
  })
  .openapi("ClerkCheck");

export const PaymentInviteSchema = z
  .object({
    invite_code: z.string(),
    email: z.string(),
    full_name: z.string().nullable(),
    company_name: z.string().nullable(),
    plan: z.string(),
    status: z.enum(["pending", "used", "expired"]),
    is_valid: z.boolean(),
    expires_at: isoDate.nullable(),
  })
  .openapi("PaymentInvite");

export const InviteCodeParam = z.object({
  invite_code: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: "invite_code", in: "path" } }),
});

export const LookupInviteRequest = z.object({ email, access_code: z.string().max(64).optional() }).openapi("LookupInviteRequest");

export const AvatarUploadBody = z
  .object({
    file: z.any().openapi({ type: "string", format: "binary", description: "PNG, JPEG, GIF or WebP, up to 5 MB" }),
  })
  .openapi("AvatarUpload");
export const AvatarSchema = z.object({ avatar_url: z.string(), user: UserSchema }).openapi("AvatarUploaded");
export const AvatarParams = z.object({
  user_id: z.string().openapi({ param: { name: "user_id", in: "path" } }),
  filename: z.string().openapi({ param: { name: "filename", in: "path" } }),
});

export const StreamTicketRequest = z
  .object({
    stream: z.string().max(512).optional().openapi({
      description: "The stream the ticket opens, as a path (e.g. /api/v1/channels/general/stream). Omit for every stream of the workspace.",
      example: "/api/v1/channels/general/stream",
    }),
  })
  .openapi("StreamTicketRequest");
export const StreamTicketSchema = z
  .object({
    ticket: z.string().openapi({ description: "Pass as ?ticket= on the stream's URL. A secret: never log it." }),
    workspace_id: z.string(),
    stream: z
      .string()
      .nullable()
      .openapi({ description: "The one stream it opens; null: any stream of the workspace (bound at first use)" }),
    connect_by: isoDate.openapi({ description: "The first connection must open before this (60 s)" }),
    expires_in: z.number().int().openapi({ description: "Seconds left to open the first connection" }),
    resumable_until: isoDate.openapi({ description: "Until then the browser's own reconnects (with Last-Event-ID) may reuse it" }),
  })
  .openapi("StreamTicket");
