import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";

// Literal lists (not imported from internal.ts) so importing schemas never evaluates the services.
const SOURCES = ["workflow_node", "tool_call", "artifact_proposal"] as const;
const STATUSES = ["pending", "approved", "rejected", "timed_out", "cancelled"] as const;

export const ApprovalIdParam = z.object({
  approval_id: z.string().openapi({ param: { name: "approval_id", in: "path" }, format: "uuid" }),
});
export const LinkTokenParam = z.object({
  token: z
    .string()
    .max(600)
    .openapi({ param: { name: "token", in: "path" }, description: "The signed token from the approval email" }),
});

const BoolString = z.enum(["true", "false"]).transform((v) => v === "true");

export const ListApprovalsQuery = z.object({
  status: z.enum(STATUSES).optional(),
  source: z.enum(SOURCES).optional(),
  mine: BoolString.optional().openapi({ type: "string", enum: ["true", "false"], description: "Only approvals I may decide" }),
  requested_by: z.uuid().optional().openapi({ description: "Member id of the requester" }),
  skip: z.coerce.number().int().min(0).max(100_000).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type ListApprovalsQuery = z.infer<typeof ListApprovalsQuery>;

export const DecisionBody = z
  .object({ comment: z.string().trim().max(2000).nullish() })
  .strict()
  .openapi("ApprovalDecision");

export const LinkDecisionBody = z
  .object({ decision: z.enum(["approve", "reject"]), comment: z.string().trim().max(2000).nullish() })
  .strict()
  .openapi("ApprovalLinkDecision");

export const ApprovalSchema = z
  .object({
    id: z.string(),
    source: z.enum(SOURCES),
    source_id: z.string(),
    title: z.string(),
    summary: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    deciders: z.object({ member_ids: z.array(z.string()), roles: z.array(z.string()) }),
    status: z.enum(STATUSES),
    outcome: z.enum(["approved", "rejected"]).nullable().openapi({ description: "Applied outcome (also for timed_out)" }),
    expires_at: isoDate.nullable(),
    timeout_outcome: z.enum(["approved", "rejected"]),
    requested_by: z.string().nullable(),
    decided_by: z.string().nullable(),
    decided_via: z.enum(["api", "link", "timeout", "system"]).nullable(),
    comment: z.string().nullable(),
    decided_at: isoDate.nullable(),
    created_at: isoDate,
    updated_at: isoDate,
    can_decide: z.boolean().openapi({ description: "Whether the caller may decide it now" }),
  })
  .openapi("Approval");

export const ApprovalEventSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["opened", "notified", "approved", "rejected", "timed_out", "cancelled"]),
    actor_member_id: z.string().nullable(),
    via: z.string().nullable(),
    comment: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    created_at: isoDate,
  })
  .openapi("ApprovalEvent");

export const ApprovalDetailSchema = ApprovalSchema.extend({ events: z.array(ApprovalEventSchema) }).openapi("ApprovalDetail");

export const ApprovalLinkViewSchema = z
  .object({
    id: z.string(),
    source: z.enum(SOURCES),
    title: z.string(),
    summary: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    status: z.enum(STATUSES),
    outcome: z.enum(["approved", "rejected"]).nullable(),
    expires_at: isoDate.nullable(),
    decided_at: isoDate.nullable(),
    created_at: isoDate,
    decider: z.object({ member_id: z.string(), name: z.string() }),
  })
  .openapi("ApprovalLinkView");
