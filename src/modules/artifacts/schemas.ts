import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";

const q = (name: string, description: string) => ({ param: { name, in: "query" as const }, description });
const boolParam = (name: string, description: string) =>
  z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true"))
    .openapi({ ...q(name, description), type: "boolean" });
const pathId = (name: string) => z.string().openapi({ param: { name, in: "path" }, format: "uuid" });

export const ArtifactIdParam = z.object({ artifact_id: pathId("artifact_id") });
export const ProposalIdParam = z.object({ proposal_id: pathId("proposal_id") });
export const ExecutionIdParam = z.object({ execution_id: pathId("execution_id") });

const page = (max: number, dflt: number) => ({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(max)
    .default(dflt)
    .openapi(q("limit", `1-${max}, default ${dflt}`)),
  offset: z.coerce.number().int().min(0).max(100_000).default(0).openapi(q("offset", "Entries to skip (default 0)")),
});

const FormatSchema = z.enum(["json", "text"]).openapi("ArtifactFormat", {
  description: "json: any JSON value (a string is read as JSON text and must parse); text: a string",
});
const ActionSchema = z.enum(["create", "update", "publish", "rollback"]).openapi("ArtifactIntentAction");
const ProposalStatusSchema = z.enum(["pending", "approved", "rejected", "executed"]).openapi("ArtifactProposalStatus");

const VersionNumber = z.number().int().min(1).max(1_000_000);
const Name = z.string().trim().min(1).max(200);
const ArtifactType = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, "Letters, digits, _ . : - (starting with a letter or digit)");
const ChangeMessage = z.string().trim().max(1000).nullish();
const Content = z.unknown().openapi({ description: "The content: any JSON value for json artifacts, a string for text artifacts" });

/** `N`, `latest` or `published`. */
const VersionSelector = z
  .string()
  .regex(/^([1-9][0-9]{0,6}|latest|published)$/, "A version number, `latest` or `published`")
  .optional();

// ---- inputs ---------------------------------------------------------------------------------

export const ListArtifactsQuery = z.object({
  ...page(100, 50),
  artifact_type: z.string().max(100).optional().openapi(q("artifact_type", "Only artifacts of this type")),
  status: z.enum(["draft", "published"]).optional().openapi(q("status", "draft: never published; published: has a live version")),
  search: z.string().trim().max(200).optional().openapi(q("search", "Case-insensitive substring of the name")),
  created_by: z
    .union([z.uuid(), z.literal("me")])
    .optional()
    .openapi(q("created_by", "Member id of the creator, or `me`")),
  only_latest: boolParam(
    "only_latest",
    "true (default): one entry per artifact with its latest version; false: one entry per version, newest first",
  ),
});
export type ListArtifactsQuery = z.infer<typeof ListArtifactsQuery>;

export const GetArtifactQuery = z.object({
  version: VersionSelector.openapi(q("version", "A version number, `latest` (default) or `published`")),
});

export const PublishQuery = z.object({
  version: VersionSelector.openapi(q("version", "The version to publish: a number or `latest` (default)")),
});

export const DiffQuery = z.object({
  from_version: z.coerce.number().int().min(1).optional().openapi(q("from_version", "Default: the version before to_version")),
  to_version: z.coerce.number().int().min(1).optional().openapi(q("to_version", "Default: the latest version")),
  from: z.coerce.number().int().min(1).optional().openapi(q("from", "Alias of from_version")),
  to: z.coerce.number().int().min(1).optional().openapi(q("to", "Alias of to_version")),
  context: z.coerce.number().int().min(0).max(100).default(3).openapi(q("context", "Unchanged lines around each hunk (default 3)")),
});
export type DiffQuery = z.infer<typeof DiffQuery>;

export const HistoryQuery = z.object(page(100, 50));
export type HistoryQuery = z.infer<typeof HistoryQuery>;

export const ListProposalsQuery = z.object({
  ...page(100, 50),
  status: ProposalStatusSchema.optional().openapi(q("status", "pending, approved, rejected or executed")),
  artifact_id: z.uuid().optional().openapi(q("artifact_id", "Only proposals about this artifact")),
});
export type ListProposalsQuery = z.infer<typeof ListProposalsQuery>;

export const ArtifactCreate = z
  .object({
    name: Name,
    artifact_type: ArtifactType.default("generic"),
    format: FormatSchema.optional().openapi({ description: "Default: text when content is a string, json otherwise" }),
    description: z.string().trim().max(2000).nullish(),
    content: Content,
    change_message: ChangeMessage,
    publish: z.boolean().default(false).openapi({ description: "Also publish version 1 (needs can_publish_artifact)" }),
  })
  .openapi("ArtifactCreate");
export type ArtifactCreate = z.infer<typeof ArtifactCreate>;

export const VersionCreate = z
  .object({
    content: Content,
    change_message: ChangeMessage,
    base_version: VersionNumber.optional().openapi({
      description: "The version this change was written against; 409 if it is no longer the latest (optimistic concurrency)",
    }),
    publish: z.boolean().default(false).openapi({ description: "Also publish the new version (needs can_publish_artifact)" }),
  })
  .openapi("ArtifactVersionCreate");
export type VersionCreate = z.infer<typeof VersionCreate>;

export const RollbackBody = z
  .object({
    version: VersionNumber.openapi({ description: "The version whose content comes back (as a new version)" }),
    change_message: ChangeMessage,
    base_version: VersionCreate.shape.base_version,
    publish: z.boolean().default(false).openapi({ description: "Also publish the new version (needs can_publish_artifact)" }),
  })
  .openapi("ArtifactRollback");
export type RollbackBody = z.infer<typeof RollbackBody>;

const intentFields = {
  artifact_id: z.string().optional().openapi({ description: "The artifact (required except for create)", format: "uuid" }),
  description: z.string().trim().min(1).max(2000).openapi({ description: "What should happen and why" }),
  name: Name.optional().openapi({ description: "create: the new artifact's name" }),
  artifact_type: ArtifactType.optional().openapi({ description: "create: the type (default generic)" }),
  format: FormatSchema.optional(),
  artifact_description: z.string().trim().max(2000).nullish().openapi({ description: "create: the artifact's description" }),
  content: Content.optional().openapi({ description: "create, update: the new content" }),
  change_message: ChangeMessage,
  base_version: VersionNumber.optional().openapi({
    description: "update, rollback: the latest version the change was written against (default: the latest when proposed)",
  }),
  version: VersionNumber.optional().openapi({
    description: "publish: the version to publish (default latest); rollback: the version whose content comes back",
  }),
  publish: z.boolean().optional().openapi({ description: "create, update, rollback: also publish the new version" }),
};

export const IntentCreate = z.object({ action: ActionSchema, ...intentFields }).openapi("ArtifactIntentCreate");
export type IntentCreate = z.infer<typeof IntentCreate>;

export const ProposalCreate = z
  .object({
    intent_id: z.string().optional().openapi({ description: "Propose an existing intent (then give no intent fields)", format: "uuid" }),
    title: z.string().trim().min(1).max(200).optional().openapi({ description: "Default: made from the intent" }),
    action: ActionSchema.optional(),
    ...intentFields,
    description: intentFields.description.optional(),
  })
  .openapi("ArtifactProposalCreate");
export type ProposalCreate = z.infer<typeof ProposalCreate>;

export const DecisionBody = z.object({ comment: z.string().trim().max(2000).nullish() }).openapi("ArtifactProposalDecision");
export type DecisionBody = z.infer<typeof DecisionBody>;

export const ExecutionRollbackBody = z
  .object({
    force: z.boolean().default(false).openapi({ description: "Roll back even if the artifact changed after the execution" }),
    change_message: ChangeMessage,
  })
  .openapi("ArtifactExecutionRollback");
export type ExecutionRollbackBody = z.infer<typeof ExecutionRollbackBody>;

// ---- outputs --------------------------------------------------------------------------------

export const ArtifactSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    artifact_type: z.string(),
    format: FormatSchema,
    description: z.string().nullable(),
    latest_version: z.number().int(),
    published_version: z.number().int().nullable(),
    status: z.enum(["draft", "published"]),
    published_at: isoDate.nullable(),
    published_by_member_id: z.string().nullable(),
    created_by_member_id: z.string().nullable(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("Artifact");

export const VersionSummarySchema = z
  .object({
    version: z.number().int(),
    is_latest: z.boolean(),
    is_published: z.boolean(),
    size_bytes: z.number().int(),
    content_hash: z.string().openapi({ description: "sha256 of the canonical content (sorted-key JSON or the text)" }),
    change_message: z.string().nullable(),
    restored_from_version: z.number().int().nullable(),
    execution_id: z.string().nullable(),
    created_by_member_id: z.string().nullable(),
    created_at: isoDate,
  })
  .openapi("ArtifactVersionSummary");

export const VersionSchema = VersionSummarySchema.extend({ content: Content }).openapi("ArtifactVersion");

export const ArtifactWithVersionSchema = ArtifactSchema.extend({ version: VersionSchema }).openapi("ArtifactWithVersion");

export const ArtifactListSchema = z
  .object({
    items: z.array(ArtifactSchema.extend({ version: VersionSummarySchema })),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    has_more: z.boolean(),
  })
  .openapi("ArtifactList");

export const HistorySchema = z
  .object({
    artifact_id: z.string(),
    latest_version: z.number().int(),
    published_version: z.number().int().nullable(),
    items: z.array(VersionSummarySchema),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    has_more: z.boolean(),
  })
  .openapi("ArtifactHistory");

export const DiffSchema = z
  .object({
    artifact_id: z.string(),
    format: FormatSchema,
    from_version: z.number().int(),
    to_version: z.number().int(),
    identical: z.boolean(),
    additions: z.number().int().openapi({ description: "Lines added" }),
    deletions: z.number().int().openapi({ description: "Lines removed" }),
    patch: z.string().openapi({ description: "Unified diff (JSON is diffed on its sorted-key pretty form)" }),
    hunks: z.array(
      z.object({
        old_start: z.number().int(),
        old_lines: z.number().int(),
        new_start: z.number().int(),
        new_lines: z.number().int(),
        lines: z.array(z.string()).openapi({ description: "Prefixed with ' ', '+' or '-'" }),
      }),
    ),
  })
  .openapi("ArtifactDiff");

export const IntentSchema = z
  .object({
    id: z.string(),
    action: ActionSchema,
    artifact_id: z.string().nullable(),
    description: z.string(),
    params: z
      .record(z.string(), z.unknown())
      .openapi({ description: "The intent's fields; content is not repeated (has_content says if given)" }),
    created_by_member_id: z.string().nullable(),
    created_at: isoDate,
  })
  .openapi("ArtifactIntent");

const StateSchema = z.object({ latest_version: z.number().int().nullable(), published_version: z.number().int().nullable() });

export const ExecutionSchema = z
  .object({
    id: z.string(),
    proposal_id: z.string(),
    artifact_id: z.string(),
    status: z.enum(["applied", "rolled_back"]),
    before: StateSchema,
    after: StateSchema,
    results: z.array(z.object({ step: z.number().int(), op: z.string(), version: z.number().int() })),
    executed_by_member_id: z.string().nullable(),
    rolled_back_at: isoDate.nullable(),
    rolled_back_by_member_id: z.string().nullable(),
    rollback_version: z.number().int().nullable(),
    created_at: isoDate,
  })
  .openapi("ArtifactExecution");

export const ProposalSchema = z
  .object({
    id: z.string(),
    intent: IntentSchema,
    artifact_id: z.string().nullable(),
    action: ActionSchema,
    title: z.string(),
    status: ProposalStatusSchema,
    plan: z.array(
      z.object({
        step: z.number().int(),
        op: z.enum(["create_artifact", "create_version", "publish_version"]),
        description: z.string(),
        version: z.number().int().optional(),
        content_from_version: z.number().int().optional(),
      }),
    ),
    checks: z.array(z.object({ name: z.string(), passed: z.boolean(), message: z.string() })),
    checks_passed: z.boolean(),
    base_version: z.number().int().nullable(),
    proposed_by_member_id: z.string().nullable(),
    decided_by_member_id: z.string().nullable(),
    decided_at: isoDate.nullable(),
    decision_comment: z.string().nullable(),
    executed_at: isoDate.nullable(),
    execution: ExecutionSchema.nullable(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("ArtifactProposal");

export const ProposalListSchema = z
  .object({
    items: z.array(ProposalSchema),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    has_more: z.boolean(),
  })
  .openapi("ArtifactProposalList");

export const ExecutionRollbackResultSchema = z
  .object({ execution: ExecutionSchema, artifact: ArtifactSchema })
  .openapi("ArtifactExecutionRollbackResult");
