import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";

export const TeamRoleSchema = z.enum(["lead", "member"]).openapi("TeamRole");

export const TeamSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    color: z.string().nullable(),
    icon: z.string().nullable(),
    parent_team_id: z.uuid().nullable(),
    lead_member_id: z.uuid().nullable().openapi({ description: "The primary lead (also listed as a member with role lead)" }),
    is_active: z.boolean(),
    created_by_member_id: z.uuid().nullable(),
    member_count: z.number().int(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("Team");

export const TeamMemberSchema = z
  .object({
    id: z.uuid().openapi({ description: "The team membership's id" }),
    team_id: z.uuid(),
    member_id: z.uuid().openapi({ description: "The workspace member's id (used in the member paths)" }),
    role: TeamRoleSchema,
    email: z.string(),
    full_name: z.string().nullable(),
    avatar_url: z.string().nullable(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("TeamMember");

const name = z.string().trim().min(1).max(120);
const description = z.string().trim().max(2000).nullable();
const color = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, "Must be a hex colour like #3366ff")
  .nullable()
  .openapi({ example: "#3366ff" });
const icon = z.string().trim().min(1).max(64).nullable();

export const TeamCreate = z
  .object({
    name,
    description: description.optional(),
    color: color.optional(),
    icon: icon.optional(),
    parent_team_id: z.uuid().nullable().optional().openapi({ description: "Parent team (same workspace); omit for a top-level team" }),
    lead_member_id: z
      .uuid()
      .nullable()
      .optional()
      .openapi({ description: "An active workspace member; they are added to the team as its lead" }),
    is_active: z.boolean().optional(),
  })
  .openapi("TeamCreate");
export type TeamCreate = z.infer<typeof TeamCreate>;

export const TeamUpdate = z
  .object({
    name: name.optional(),
    description: description.optional(),
    color: color.optional(),
    icon: icon.optional(),
    parent_team_id: z.uuid().nullable().optional().openapi({ description: "null moves the team to the top level" }),
    lead_member_id: z
      .uuid()
      .nullable()
      .optional()
      .openapi({ description: "null clears the primary lead; team members and their roles stay as they are" }),
    is_active: z.boolean().optional(),
  })
  .openapi("TeamUpdate");
export type TeamUpdate = z.infer<typeof TeamUpdate>;

export const TeamMemberAdd = z
  .object({
    member_id: z.uuid(),
    role: TeamRoleSchema.default("member"),
  })
  .openapi("TeamMemberAdd");
export type TeamMemberAdd = z.infer<typeof TeamMemberAdd>;

export const TeamMemberUpdate = z.object({ role: TeamRoleSchema }).openapi("TeamMemberUpdate");
export type TeamMemberUpdate = z.infer<typeof TeamMemberUpdate>;

export const TeamIdParam = z.object({
  team_id: z.string().openapi({ param: { name: "team_id", in: "path" } }),
});

export const TeamMemberParams = z.object({
  team_id: z.string().openapi({ param: { name: "team_id", in: "path" } }),
  member_id: z.string().openapi({ param: { name: "member_id", in: "path" } }),
});

const bool = (description: string) =>
  z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true"))
    .openapi({ type: "boolean", description });

export const ListTeamsQuery = z.object({
  search: z.string().trim().max(200).optional().openapi({ description: "Case-insensitive match on name and description" }),
  is_active: bool("Only active (true) or inactive (false) teams"),
  parent_team_id: z
    .union([z.uuid(), z.literal("null")])
    .optional()
    .openapi({ description: 'Children of this team; "null" lists the top-level teams' }),
  skip: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
export type ListTeamsQuery = z.infer<typeof ListTeamsQuery>;
