import { z } from "zod";

/**
 * Every domain event Atrium emits, with the JSON Schema of its `data`. Webhook subscriptions,
 * workflow triggers and the catalogue endpoint read this one list; emitting a name not in it
 * does not type-check.
 */
const Id = z.uuid();
const When = z.iso.datetime({ offset: true });
const MemberRef = Id.nullable().describe("Workspace member id of who did it (null for system work)");

const Task = z.object({
  id: Id,
  title: z.string(),
  status: z.string(),
  priority: z.string().nullable(),
  channel_id: Id.nullable(),
  assignee_member_ids: z.array(Id),
  due_date: z.string().nullable(),
  completed_at: When.nullable(),
});
const Message = z.object({
  id: Id,
  content: z.string(),
  author_member_id: Id.nullable(),
  created_at: When,
});
const Run = z.object({
  id: Id,
  employee_id: Id,
  source: z.enum(["api", "chat"]),
  status: z.enum(["completed", "failed"]),
  output: z.string().nullable(),
  error: z.string().nullable(),
  invoked_by_member_id: Id.nullable(),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  started_at: When,
  finished_at: When,
});
const Integration = z.object({ id: Id, type: z.string(), name: z.string() });
const SyncRun = z.object({
  id: Id,
  status: z.enum(["COMPLETED", "FAILED"]),
  records_synced: z.number().int(),
  error: z.string().nullable(),
  started_at: When.nullable(),
  completed_at: When,
});
const integrationAudience = (d: { integration: { id: string } }) => ({ type: "integration" as const, id: d.integration.id });
const Record = z.object({
  id: Id,
  recordset_id: Id,
  field_values: z.record(z.string(), z.unknown()),
  version: z.number().int(),
});

/**
 * What an event shows, when not everyone in the workspace may see it: a webhook endpoint gets the
 * event only if its creator can open that object when it is fanned out (private channels, a
 * person's AI chats, tasks, recordsets and documents with their own access rules).
 */
export type Audience = {
  type: "channel" | "task" | "recordset" | "document" | "conversation" | "agent_run" | "integration";
  id: string;
};

interface CatalogueEntry {
  description: string;
  data: z.ZodType;
  /** Each entry reads its own data shape. */
  audience?: (data: any) => Audience;
}

export const EVENT_CATALOGUE = {
  "task.created": {
    description: "A task was created (directly, in a channel, or by an AI employee).",
    data: z.object({ task: Task, actor_member_id: MemberRef }),
    audience: (d: { task: { id: string } }) => ({ type: "task", id: d.task.id }),
  },
  "task.completed": {
    description: "A task was marked completed.",
    data: z.object({ task: Task, actor_member_id: MemberRef, comment: z.string().nullable() }),
    audience: (d: { task: { id: string } }) => ({ type: "task", id: d.task.id }),
  },
  "channel.message.created": {
    description: "A message was posted in a channel.",
    data: z.object({
      channel: z.object({ id: Id, slug: z.string(), name: z.string() }),
      message: Message.extend({ parent_id: Id.nullable() }),
    }),
    audience: (d: { channel: { id: string } }) => ({ type: "channel", id: d.channel.id }),
  },
  "chat.message.created": {
    description: "A message was added to an AI chat conversation (the user's message, then the employee's answer).",
    data: z.object({
      conversation_id: Id,
      message: z.object({ id: Id, role: z.enum(["user", "assistant", "system"]), content: z.string(), created_at: When }),
      employee_id: Id.nullable(),
    }),
    audience: (d: { conversation_id: string }) => ({ type: "conversation", id: d.conversation_id }),
  },
  "record.created": {
    description: "A record was created in a recordset.",
    data: z.object({ record: Record, actor_member_id: MemberRef }),
    audience: (d: { record: { recordset_id: string } }) => ({ type: "recordset", id: d.record.recordset_id }),
  },
  "record.updated": {
    description: "A record's values changed; `changed_fields` names them.",
    data: z.object({ record: Record, changed_fields: z.array(z.string()), actor_member_id: MemberRef }),
    audience: (d: { record: { recordset_id: string } }) => ({ type: "recordset", id: d.record.recordset_id }),
  },
  "record.deleted": {
    description: "A record was deleted.",
    data: z.object({ record: z.object({ id: Id, recordset_id: Id }), actor_member_id: MemberRef }),
    audience: (d: { record: { recordset_id: string } }) => ({ type: "recordset", id: d.record.recordset_id }),
  },
  "document.indexed": {
    description: "A document version was extracted, chunked and embedded; it is now searchable.",
    data: z.object({ document: z.object({ id: Id, title: z.string(), version: z.number().int(), chunks: z.number().int() }) }),
    audience: (d: { document: { id: string } }) => ({ type: "document", id: d.document.id }),
  },
  "member.joined": {
    description: "A person joined the workspace.",
    data: z.object({ member: z.object({ id: Id, user_id: Id.nullable(), email: z.string().nullable(), role: z.string() }) }),
  },
  "employee.status.changed": {
    description: "An AI employee was activated, paused or otherwise changed status.",
    data: z.object({ employee: z.object({ id: Id, name: z.string() }), from: z.string(), to: z.string() }),
  },
  "employee.run.completed": {
    description: "An AI employee finished a piece of work (an instruction, or a chat turn) with an answer.",
    data: z.object({ run: Run }),
    audience: (d: { run: { id: string } }) => ({ type: "agent_run", id: d.run.id }),
  },
  "employee.run.failed": {
    description: "An AI employee's work ended in failure (provider error, step limit, cut-off answer, or its worker died).",
    data: z.object({ run: Run }),
    audience: (d: { run: { id: string } }) => ({ type: "agent_run", id: d.run.id }),
  },
  "integration.connected": {
    description: "An integration was connected (or reconnected) to a provider account.",
    data: z.object({
      integration: Integration,
      account_name: z.string().nullable(),
      reconnected: z.boolean(),
      actor_member_id: MemberRef,
    }),
    audience: integrationAudience,
  },
  "integration.disconnected": {
    description: "An integration was disconnected; its tokens, runs and staged rows are gone.",
    data: z.object({ integration: Integration, revoked: z.boolean(), actor_member_id: MemberRef }),
    audience: integrationAudience,
  },
  "integration.needs_reauth": {
    description: "The provider refused an integration's credentials; it must be reconnected.",
    data: z.object({ integration: Integration, reason: z.string() }),
    audience: integrationAudience,
  },
  "integration.sync.completed": {
    description: "A sync run finished; its rows are staged.",
    data: z.object({ integration: Integration, run: SyncRun }),
    audience: integrationAudience,
  },
  "integration.sync.failed": {
    description: "A sync run failed (provider error, refused credentials, or it stopped responding).",
    data: z.object({ integration: Integration, run: SyncRun }),
    audience: integrationAudience,
  },
  "artifact.published": {
    description: "An artifact version went live (published directly, by an executed proposal, or restored by a rollback).",
    data: z.object({
      artifact: z.object({
        id: Id,
        name: z.string(),
        artifact_type: z.string(),
        latest_version: z.number().int(),
        published_version: z.number().int().nullable().describe("Null when a rollback unpublished the artifact"),
      }),
      proposal_id: Id.nullable(),
      actor_member_id: MemberRef,
    }),
  },
  "credits.low": {
    description: "A spending alert fired: the AI credit balance fell below its threshold, or spend reached it.",
    data: z.object({
      alert_id: Id,
      alert_type: z.enum(["low_balance", "daily_spend", "monthly_spend"]),
      threshold: z.number().int(),
      value: z.number().describe("The balance (low_balance) or the spend that crossed the threshold"),
      balance: z.number(),
    }),
  },
  "webhook.test": {
    description: "Sent by the test endpoint only; its data is the caller's payload.",
    data: z.record(z.string(), z.unknown()),
  },
} as const satisfies Record<string, CatalogueEntry>;

export type EventType = keyof typeof EVENT_CATALOGUE;
export type EventData<T extends EventType> = z.input<(typeof EVENT_CATALOGUE)[T]["data"]>;

export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];
export const isEventType = (s: string): s is EventType => Object.hasOwn(EVENT_CATALOGUE, s);

/** The object an event shows, or null when every member may see it. */
export function audienceOf(type: string, data: unknown): Audience | null {
  if (!isEventType(type)) return null;
  const entry: CatalogueEntry = EVENT_CATALOGUE[type];
  return entry.audience ? entry.audience(data) : null;
}

/** The catalogue as served to clients: name, description and the JSON Schema of `data`. */
export function describeEvents() {
  return EVENT_TYPES.map((type) => ({
    type,
    description: EVENT_CATALOGUE[type].description,
    schema: z.toJSONSchema(EVENT_CATALOGUE[type].data, { io: "input" }),
  }));
}
