import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";

export const IntegrationRecordSchema = z
  .object({
    id: z.uuid(),
    recordset_id: z.uuid(),
    source: z.string().openapi({ description: "The staging table the row comes from" }),
    external_id: z.string().openapi({ description: "The row's id in the integration" }),
    field_values: z.record(z.string(), z.unknown()).openapi({ description: "The row as the integration synced it" }),
    synced_at: isoDate,
    created_at: isoDate,
  })
  .openapi("IntegrationRecord");

export const IntegrationRecordPageSchema = z
  .object({
    items: z.array(IntegrationRecordSchema),
    total: z.number().int(),
    page: z.number().int(),
    page_size: z.number().int(),
    recordset_id: z.uuid(),
    recordset_slug: z.string(),
    staging_table: z.string(),
  })
  .openapi("IntegrationRecordPage");

export const IntegrationRecordCountSchema = z
  .object({ recordset_id: z.uuid(), recordset_slug: z.string(), staging_table: z.string(), count: z.number().int() })
  .openapi("IntegrationRecordCount");

const q = (name: string, description: string) => ({ param: { name, in: "query" as const }, description });

export const RecordsetSlugParam = z.object({
  recordset_slug: z.string().openapi({ param: { name: "recordset_slug", in: "path" }, description: "Recordset slug or id" }),
});
export const IntegrationRecordParams = z.object({
  recordset_slug: RecordsetSlugParam.shape.recordset_slug,
  record_id: z
    .string()
    .min(1)
    .max(500)
    .openapi({ param: { name: "record_id", in: "path" }, description: "The row's id, or its external_id in the integration" }),
});

export const ListIntegrationRecordsQuery = z.object({
  page: z.coerce.number().int().min(1).default(1).openapi(q("page", "1-based")),
  page_size: z.coerce.number().int().min(1).max(200).default(50).openapi(q("page_size", "At most 200")),
  search: z.string().trim().max(200).optional().openapi(q("search", "Case-insensitive match anywhere in the row's values")),
  sort_by: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .default("synced_at")
    .openapi(q("sort_by", "synced_at (default), created_at, external_id, or one of the recordset's field keys")),
  sort_order: z.enum(["asc", "desc"]).default("desc").openapi(q("sort_order", "asc or desc (default)")),
});
export type ListIntegrationRecordsQuery = z.infer<typeof ListIntegrationRecordsQuery>;
