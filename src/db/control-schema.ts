// Every table of the control database, for drizzle-kit. Keep in step with migrations/control.
export * from "../modules/api-keys/tables";
export * from "../modules/auth/tables";
export * from "../modules/workspaces/tables";
export * from "../platform/ai/credit-tables";
export * from "../platform/billing/tables";
export * from "../platform/email/tables";
export * from "../platform/idempotency/tables";
export * from "../platform/identity/tables";
export * from "../platform/jobs/tables";
