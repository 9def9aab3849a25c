import { z } from "zod";
import { ServiceError } from "../../platform/errors";
import { defineTool, invokerContext, registerTool } from "../agents/tools/registry";
import type { FieldDef } from "../recordsets/fields";
import { listRecordsets } from "../recordsets/service";
import type { RecordJson } from "./internal";
import { createRecord, getRecord, listRecords, updateRecord } from "./service";

// Tools AI employees use on records. Access to records is per member (recordset grants to a member
// or their teams, the creator rule, *_own rules), and the employee's own member holds no grants,
// so every call here — reads AND writes — runs as the person who invoked the employee
// (invokerContext): the run sees and changes exactly what that person could through the API, and
// a record the run creates is that person's (their can_edit_own applies to it). The run itself
// (agent_runs) records which employee did it. Writes go through the records service's one write
// path (validation, version 1 / new versions, promoted columns, record_count, activity).

const CAPABILITY = "records";

/** A not-found naming what the model asked for (it may have asked for several in one step). */
async function naming<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof ServiceError && e.code === "not_found") throw new ServiceError("not_found", `${what} not found`);
    throw e;
  }
}

const fieldBrief = (f: FieldDef) => ({
  key: f.key,
  name: f.name,
  type: f.type,
  ...(f.required ? { required: true } : {}),
  ...(f.options ? { options: f.options } : {}),
  ...(f.currency ? { currency: f.currency } : {}),
});

const recordBrief = (r: RecordJson) => ({
  id: r.id,
  recordset_id: r.recordset_id,
  title: r.title,
  field_values: r.field_values,
  status: r.status,
  tags: r.tags,
  version: r.version,
  updated_at: r.updated_at,
});

const recordsetRef = z.string().trim().min(1).max(200).describe("The recordset's slug or id (from list_recordsets)");
const fieldValues = z
  .record(z.string(), z.unknown())
  .describe("Values keyed by the recordset's field keys (see list_recordsets), each of its field's type");
const tags = z.array(z.string().trim().min(1).max(100)).max(100);
const writableStatus = z.enum(["active", "archived"]);
const TEXT_OPS = ["eq", "neq", "in", "not_in", "contains", "starts_with", "ends_with", "is_empty", "is_not_empty"] as const;

registerTool(
  defineTool({
    name: "list_recordsets",
    capability: CAPABILITY,
    description:
      "List the recordsets (tables of records, e.g. deals or contacts) the person you work for can see, with their " +
      "fields (key, name, type, options) and record counts. Use the slug and field keys with the other record tools.",
    schema: z.object({
      search: z.string().trim().max(200).optional().describe("Part of a recordset's name, slug or description"),
      limit: z.number().int().min(1).max(50).default(20),
    }),
    run: async (ctx, { search, limit }) => {
      const page = await listRecordsets(invokerContext(ctx), { page: 1, page_size: limit, search, is_active: undefined });
      return {
        total: page.total,
        items: page.items.map((r) => ({
          id: r.id,
          slug: r.slug,
          name: r.name,
          description: r.description,
          record_count: r.record_count,
          fields: r.fields.map(fieldBrief),
        })),
      };
    },
  }),
);

registerTool(
  defineTool({
    name: "search_records",
    capability: CAPABILITY,
    description:
      "Search the records of one recordset, newest first: `search` matches any searchable value (case-insensitive " +
      "substring), column_filters narrow by field values, `fields` limits the values returned. At most 20 records.",
    schema: z.object({
      recordset: recordsetRef,
      search: z.string().trim().max(200).optional(),
      column_filters: z
        .array(
          z.object({
            field: z.string().min(1).max(100).describe("A field key, or title / status / created_by_member_id"),
            op: z.enum(TEXT_OPS),
            value: z.unknown().optional().describe("An array for in / not_in; none for is_empty / is_not_empty"),
          }),
        )
        .max(20)
        .optional(),
      fields: z.array(z.string().min(1).max(100)).max(50).optional().describe("Field keys to return (default: all)"),
      status: z.array(writableStatus).optional().describe("Default: active and archived"),
      limit: z.number().int().min(1).max(20).default(10),
    }),
    run: async (ctx, a) => {
      const page = await naming(`Recordset ${a.recordset}`, () =>
        listRecords(invokerContext(ctx), {
          recordset_id: a.recordset,
          search: a.search || undefined,
          column_filters: a.column_filters?.length ? JSON.stringify(a.column_filters) : undefined,
          fields: a.fields?.length ? a.fields.join(",") : undefined,
          status: a.status?.length ? a.status.join(",") : undefined,
          skip: 0,
          limit: a.limit,
        }),
      );
      return { total: page.total, items: page.items.map(recordBrief) };
    },
  }),
);

registerTool(
  defineTool({
    name: "get_record",
    capability: CAPABILITY,
    description: "Read one record with all its field values.",
    schema: z.object({ record_id: z.uuid() }),
    run: async (ctx, { record_id }) => recordBrief(await naming(`Record ${record_id}`, () => getRecord(invokerContext(ctx), record_id))),
  }),
);

registerTool(
  defineTool({
    name: "create_record",
    capability: CAPABILITY,
    description:
      "Create a record in a recordset. field_values are keyed by field key and must fit the field types " +
      "(required fields included); an error names each wrong field.",
    schema: z.object({
      recordset: recordsetRef,
      field_values: fieldValues,
      tags: tags.optional(),
      status: writableStatus.optional(),
    }),
    run: async (ctx, a) =>
      recordBrief(
        await naming(`Recordset ${a.recordset}`, () =>
          createRecord(invokerContext(ctx), {
            recordset_id: a.recordset,
            field_values: a.field_values,
            tags: a.tags ?? [],
            status: a.status ?? "active",
          }),
        ),
      ),
  }),
);

registerTool(
  defineTool({
    name: "update_record",
    capability: CAPABILITY,
    description:
      "Change a record: field_values are merged into its current values (null clears a field); tags replace the " +
      "tags; status active or archived. Writes a new version.",
    schema: z.object({
      record_id: z.uuid(),
      field_values: fieldValues.optional(),
      tags: tags.optional(),
      status: writableStatus.optional(),
    }),
    run: async (ctx, { record_id, ...change }) =>
      recordBrief(await naming(`Record ${record_id}`, () => updateRecord(invokerContext(ctx), record_id, change, "merge"))),
  }),
);
