import { index, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk } from "../../platform/db/columns";

/**
 * Tenant database: what happened in the workspace, written by every module through
 * recordActivity(). `type` is `<resource>.<verb>` (task.created, message.posted, …).
 */
export const activities = pgTable(
  "activities",
  {
    id: pk(),
    type: text("type").notNull(),
    actorMemberId: uuid("actor_member_id"),
    subjectType: text("subject_type").notNull(),
    subjectId: uuid("subject_id"),
    channelId: uuid("channel_id"),
    summary: text("summary").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index("activities_created_idx").on(t.createdAt),
    index("activities_type_idx").on(t.type, t.createdAt),
    index("activities_actor_idx").on(t.actorMemberId, t.createdAt),
    index("activities_channel_idx").on(t.channelId, t.createdAt),
  ],
);
