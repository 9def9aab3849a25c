import { z } from "@hono/zod-openapi";
import { JOB_STATUSES } from "../../platform/jobs/tables";

export const JobStatusSchema = z.enum(JOB_STATUSES).openapi("JobStatus");

export const MigrationJobSchema = z
  .object({
    job_id: z.uuid(),
    stream_url: z.string().openapi({ example: "/api/v1/workspace-health/migration/7b0c…/stream" }),
    status: JobStatusSchema,
  })
  .openapi("MigrationJob");

export const WorkspaceHealthSchema = z
  .object({
    brand: z.boolean().openapi({ description: "Whether a brand profile has been created" }),
    migration_required: z.boolean().openapi({ description: "Whether the workspace database lacks tenant migrations" }),
    personal_onboarding_complete: z.boolean().openapi({ description: "Whether the caller finished their onboarding" }),
    company_onboarding_complete: z.boolean().openapi({ description: "Whether the workspace onboarding is finished" }),
    schema_version: z.string().nullable().openapi({ description: "Last tenant migration recorded for the workspace database" }),
    latest_schema_version: z.string().nullable().openapi({ description: "Last tenant migration this server ships" }),
    migration_job: MigrationJobSchema.nullable().openapi({ description: "The migration queued or running now, if any" }),
  })
  .openapi("WorkspaceHealth");
export type WorkspaceHealth = z.infer<typeof WorkspaceHealthSchema>;

export const MigrationJobParam = z.object({
  job_id: z
    .string()
    .max(64)
    .openapi({ param: { name: "job_id", in: "path" }, example: "7b0c2c1e-…" }),
});
