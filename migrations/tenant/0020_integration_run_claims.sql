ALTER TABLE "integration_runs" ADD COLUMN "claim_token" uuid;--> statement-breakpoint
ALTER TABLE "integration_runs" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "integration_runs_open_key" ON "integration_runs" USING btree ("integration_id") WHERE "integration_runs"."status" in ('PENDING', 'RUNNING');