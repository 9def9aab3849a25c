import { doublePrecision, index, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk } from "../db/columns";

/**
 * Tenant database: one row per gateway call (written once, when the call ends), whatever its
 * outcome. `status`: ok, error (nothing generated, nothing charged) or incomplete (a stream cut
 * mid-way: what was generated is charged).
 */
export const aiUsage = pgTable(
  "ai_usage",
  {
    id: pk(),
    model: text("model").notNull(),
    provider: text("provider").notNull(),
    /** What the call was for: completion, stream, extract, vision, transcription, image, embeddings, chat, … */
    operation: text("operation").notNull(),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    /** Images generated, audio seconds transcribed, inputs embedded; 0 for plain chat. */
    units: integer("units").notNull().default(0),
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    credits: integer("credits").notNull().default(0),
    /** user | api_key | system */
    actorKind: text("actor_kind").notNull(),
    userId: uuid("user_id"),
    memberId: uuid("member_id"),
    apiKeyId: uuid("api_key_id"),
    latencyMs: integer("latency_ms").notNull().default(0),
    status: text("status").$type<"ok" | "error" | "incomplete">().notNull(),
    errorCode: text("error_code"),
    requestId: text("request_id"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index("ai_usage_created_idx").on(t.createdAt), index("ai_usage_operation_created_idx").on(t.operation, t.createdAt)],
);
