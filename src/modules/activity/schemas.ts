import { z } from "@hono/zod-openapi";
import { isUuid } from "../../platform/ids";
import { isoDate } from "../../platform/openapi";

export const ActivityActorSchema = z
  .object({
    member_id: z.uuid(),
    name: z.string().nullable(),
    email: z.string(),
    avatar_url: z.string().nullable(),
  })
  .openapi("ActivityActor");

export const ActivitySchema = z
  .object({
    id: z.uuid(),
    type: z.string().openapi({ example: "task.completed", description: "`<resource>.<verb>`" }),
    category: z
      .string()
      .openapi({ example: "action", description: "The feed's type filter: action (tasks), goal, record, user (members), …" }),
    actor_member_id: z.uuid().nullable(),
    actor: ActivityActorSchema.nullable().openapi({ description: "null for system activity" }),
    subject_type: z.string(),
    subject_id: z.uuid().nullable(),
    channel_id: z.uuid().nullable(),
    summary: z.string(),
    data: z.record(z.string(), z.unknown()),
    created_at: isoDate,
  })
  .openapi("Activity");

export const ActivityFeedSchema = z
  .object({
    activities: z.array(ActivitySchema),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    has_more: z.boolean(),
  })
  .openapi("ActivityFeed");

const commaList = (what: string, ok: (s: string) => boolean, max: number) =>
  z
    .string()
    .max(4000)
    .superRefine((v, ctx) => {
      const items = v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      if (items.length > max) ctx.addIssue({ code: "custom", message: `At most ${max} ${what}` });
      const bad = items.find((s) => !ok(s));
      if (bad !== undefined) ctx.addIssue({ code: "custom", message: `Not a valid ${what.replace(/s$/, "")}: ${bad.slice(0, 60)}` });
    });

const TYPE_TOKEN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** `YYYY-MM-DD` (a whole UTC day) or an ISO 8601 date-time with offset. */
const dateParam = z
  .string()
  .refine((s) => (DATE_ONLY.test(s) || z.iso.datetime({ offset: true }).safeParse(s).success) && !Number.isNaN(Date.parse(s)), {
    message: "Use an ISO 8601 date (2026-01-31) or date-time (2026-01-31T12:00:00Z)",
  })
  .openapi({ example: "2026-01-31" });

/**
 * The feed's filters, kept as given (strings) so an export job can carry them in its queue
 * message and apply them exactly as the feed does (filterConditions in service.ts).
 */
const filterShape = {
  types: commaList("types", (s) => TYPE_TOKEN.test(s), 30)
    .optional()
    .openapi({
      description:
        "Comma-separated categories (action, goal, record, integration, user, channel, meeting, …) or exact types " +
        "(task.completed); a category matches every type it starts",
      example: "action,goal",
    }),
  search: z.string().trim().max(200).optional().openapi({ description: "Case-insensitive match on the activity's description (summary)" }),
  start_date: dateParam.optional().openapi({ description: "From this date or instant (inclusive)" }),
  end_date: dateParam.optional().openapi({ description: "Until this instant, or to the end of this day for a date" }),
  scope: z.enum(["mine", "all"]).default("all").openapi({ description: "mine: only your own activity; all: everyone's (default)" }),
  user_ids: commaList("member ids", isUuid, 200).optional().openapi({ description: "Comma-separated member ids: only their activity" }),
  team_ids: commaList("team ids", isUuid, 50)
    .optional()
    .openapi({ description: "Comma-separated team ids: only activity of those teams' members" }),
};

/** Inclusive lower bound / exclusive-or-inclusive upper bound as instants (a date-only end covers its whole day). */
export function dateBounds(f: { start_date?: string | undefined; end_date?: string | undefined }) {
  const start = f.start_date ? new Date(Date.parse(f.start_date)) : undefined;
  const end = f.end_date ? new Date(Date.parse(f.end_date) + (DATE_ONLY.test(f.end_date) ? 86_400_000 - 1 : 0)) : undefined;
  return { start, end };
}

const datesInOrder = (f: { start_date?: string | undefined; end_date?: string | undefined }) => {
  const { start, end } = dateBounds(f);
  return !start || !end || start.getTime() <= end.getTime();
};
const orderIssue = { path: ["end_date"], message: "end_date must not be before start_date" };

export const ActivityFilters = z.object(filterShape).refine(datesInOrder, orderIssue);
export type ActivityFilters = z.infer<typeof ActivityFilters>;

export const ActivityFeedQuery = z
  .object({
    ...filterShape,
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
  })
  .refine(datesInOrder, orderIssue);
export type ActivityFeedQuery = z.infer<typeof ActivityFeedQuery>;

const countSchema = z.number().int();
export const ActivityStatsSchema = z
  .object({
    period_days: z.number().int(),
    total: countSchema.openapi({ description: "All activity you can see, all time" }),
    last_30_days: countSchema,
    today: countSchema.openapi({ description: "Since 00:00 UTC" }),
    mine_last_30_days: countSchema,
    by_type: z.array(z.object({ type: z.string(), count: countSchema })).openapi({ description: "Last 30 days, most frequent first" }),
    by_category: z.array(z.object({ category: z.string(), count: countSchema })).openapi({ description: "Last 30 days" }),
    by_day: z
      .array(z.object({ date: z.string(), count: countSchema }))
      .openapi({ description: "The last 30 UTC days, oldest first, zeros included" }),
    top_actors: z
      .array(z.object({ member_id: z.uuid(), name: z.string().nullable(), avatar_url: z.string().nullable(), count: countSchema }))
      .openapi({ description: "Last 30 days, at most 10" }),
  })
  .openapi("ActivityStats");

export const ActivityExportRequest = z
  .object({ ...filterShape, format: z.literal("csv").default("csv") })
  .refine(datesInOrder, orderIssue)
  .openapi("ActivityExportRequest");
export type ActivityExportRequest = z.infer<typeof ActivityExportRequest>;

export const JobStatusSchema = z.enum(["QUEUED", "RUNNING", "COMPLETED", "FAILED"]);

export const ExportOutputSchema = z
  .object({
    download_url: z.string().openapi({ description: "GET with your token (or ask /download-url for a signed link)" }),
    rows: z.number().int(),
    size_bytes: z.number().int(),
    filename: z.string(),
    content_type: z.string(),
  })
  .openapi("ActivityExportOutput");

export const ExportJobSchema = z
  .object({
    job_id: z.uuid(),
    status: JobStatusSchema,
    progress: z.number().int(),
    current_step: z.string().nullable(),
    message: z.string().nullable(),
    error_message: z.string().nullable(),
    output_data: ExportOutputSchema.nullable(),
    created_at: isoDate,
    started_at: isoDate.nullable(),
    completed_at: isoDate.nullable(),
  })
  .openapi("ActivityExportJob");

export const ExportStartedSchema = z
  .object({
    job_id: z.uuid(),
    status: JobStatusSchema,
    status_url: z.string(),
    message: z.string(),
  })
  .openapi("ActivityExportStarted");

export const DownloadUrlSchema = z
  .object({
    url: z.string(),
    expires_at: isoDate,
    filename: z.string(),
  })
  .openapi("ActivityExportDownloadUrl");

export const ListExportJobsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ListExportJobsQuery = z.infer<typeof ListExportJobsQuery>;

export const JobIdParam = z.object({
  job_id: z.string().openapi({ param: { name: "job_id", in: "path" } }),
});
