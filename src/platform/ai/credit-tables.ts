import { sql } from "drizzle-orm";
import { index, integer, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk } from "../db/columns";
import { workspaces } from "../identity/tables";

export const CREDIT_ENTRY_KINDS = ["grant", "purchase", "consumption", "refund", "expiry", "adjustment"] as const;
export type CreditEntryKind = (typeof CREDIT_ENTRY_KINDS)[number];

/**
 * Control database: the AI credit ledger. Append-only: rows are never updated or deleted, and a
 * workspace's balance is the sum of `amount` (grants, purchases and refunds positive; consumption
 * and the expiry of unused included credits negative; adjustments either). `reference` makes an
 * entry idempotent per workspace (`grant:YYYY-MM`, `expiry:<grant id>`, a payment id).
 */
export const aiCreditLedger = pgTable(
  "ai_credit_ledger",
  {
    id: pk(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    kind: text("kind").$type<CreditEntryKind>().notNull(),
    amount: integer("amount").notNull(),
    operation: text("operation"),
    model: text("model"),
    /** ai_usage.id in the workspace's database (consumption). */
    usageId: uuid("usage_id"),
    reference: text("reference"),
    note: text("note"),
    createdBy: uuid("created_by"),
    createdAt: createdAt(),
  },
  (t) => [
    index("ai_credit_ledger_ws_idx").on(t.workspaceId, t.createdAt),
    uniqueIndex("ai_credit_ledger_ws_reference_key").on(t.workspaceId, t.reference).where(sql`${t.reference} IS NOT NULL`),
  ],
);
