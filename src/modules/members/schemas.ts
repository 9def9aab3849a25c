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
