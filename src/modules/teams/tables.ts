import { sql } from "drizzle-orm";
import { type AnyPgColumn, boolean, index, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, updatedAt } from "../../platform/db/columns";
import { members } from "../members/tables";

export type TeamRole = "lead" | "member";

/**
 * Tenant database: teams, nested through `parent_team_id` (the service refuses cycles).
 * `lead_member_id` is the team's primary lead; it is always also a `team_members` row with role
 * "lead" (the service keeps the two in step), and every lead counts for permissions.
 */
export const teams = pgTable(
  "teams",
  {
    id: pk(),
    name: text("name").notNull(),
    description: text("description"),
    color: text("color"),
    icon: text("icon"),
    // Deleting a team re-parents its children in the service; SET NULL is only the backstop.
    parentTeamId: uuid("parent_team_id").references((): AnyPgColumn => teams.id, { onDelete: "set null" }),
    leadMemberId: uuid("lead_member_id").references(() => members.id, { onDelete: "set null" }),
    isActive: boolean("is_active").notNull().default(true),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // One active team of a name (case-insensitive) per parent; top-level teams share the nil parent.
    uniqueIndex("teams_parent_name_key")
      .on(sql`coalesce(${t.parentTeamId}, '00000000-0000-0000-0000-000000000000'::uuid)`, sql`lower(${t.name})`)
      .where(sql`${t.isActive}`),
    index("teams_parent_idx").on(t.parentTeamId),
  ],
);

export const teamMembers = pgTable(
  "team_members",
  {
    id: pk(),
    teamId: uuid("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    memberId: uuid("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    role: text("role").$type<TeamRole>().notNull().default("member"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("team_members_team_member_key").on(t.teamId, t.memberId), index("team_members_member_idx").on(t.memberId)],
);
