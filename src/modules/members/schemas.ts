import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";
import { RoleSchema } from "../workspaces/schemas";

export const MemberSchema = z
  .object({
    id: z.uuid(),
    user_id: z.uuid(),
    email: z.string(),
    full_name: z.string().nullable(),
    display_name: z.string().nullable(),
    avatar_url: z.string().nullable(),
    title: z.string().nullable(),
    role: RoleSchema,
    is_active: z.boolean(),
    tours: z.record(z.string(), z.boolean()),
    onboarding_completed: z.boolean(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("Member");

const boolQuery = (name: string) =>
  z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true"))
    .openapi({ param: { name, in: "query" }, type: "boolean" });

export const MemberListQuery = z.object({
  search: z
    .string()
    .trim()
    .max(200)
    .optional()
    .openapi({ param: { name: "search", in: "query" } }),
  is_active: boolQuery("is_active"),
  skip: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .openapi({ param: { name: "skip", in: "query" } }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .openapi({ param: { name: "limit", in: "query" } }),
});

export const MemberListSchema = z
  .object({ items: z.array(MemberSchema), total: z.number().int(), skip: z.number().int(), limit: z.number().int() })
  .openapi("MemberList");

export const MemberMinimalSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    full_name: z.string().nullable(),
    display_name: z.string().nullable(),
    avatar_url: z.string().nullable(),
    role: RoleSchema,
  })
  .openapi("MemberMinimal");

export const ToursSchema = z.object({ tours: z.record(z.string(), z.boolean()), onboarding_completed: z.boolean() }).openapi("MemberTours");
export const TourUpdateRequest = z
  .object({ tour_id: z.string().trim().min(1).max(100), completed: z.boolean().default(true) })
  .openapi("TourUpdate");
export const TourResetQuery = z.object({
  tour_id: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .openapi({ param: { name: "tour_id", in: "query" } }),
});

export const MemberIdParam = z.object({ member_id: z.string().openapi({ param: { name: "member_id", in: "path" } }) });

export const MemberUpdateRequest = z
  .object({
    display_name: z.string().trim().max(120).nullable().optional(),
    title: z.string().trim().max(120).nullable().optional(),
    role: RoleSchema.optional(),
    is_active: z.boolean().optional(),
  })
  .strict()
  .openapi("MemberUpdate");

export const DeletionInfoSchema = z
  .object({ member_id: z.uuid(), user_id: z.uuid(), workspace_count: z.number().int(), can_delete_user: z.boolean() })
  .openapi("MemberDeletionInfo");

export const OwnedItemsSchema = z
  .object({
    member_id: z.uuid(),
    total: z.number().int(),
    items: z.record(z.string(), z.array(z.object({ id: z.string(), name: z.string(), relation: z.string() }))),
  })
  .openapi("MemberOwnedItems");

export const ReassignRequest = z.object({ to_member_id: z.uuid() }).openapi("MemberReassign");
export const ReassignResultSchema = z
  .object({ from_member_id: z.uuid(), to_member_id: z.uuid(), reassigned: z.record(z.string(), z.number().int()), total: z.number().int() })
  .openapi("MemberReassignResult");

export const MemberAvatarSchema = z.object({ avatar_url: z.string(), member: MemberSchema }).openapi("MemberAvatar");
