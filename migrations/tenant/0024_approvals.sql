CREATE TABLE "approval_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"approval_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"actor_member_id" uuid,
	"via" text,
	"comment" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "approvals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"source_id" text NOT NULL,
	"title" text NOT NULL,
	"summary" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"decider_member_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"decider_roles" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"outcome" text,
	"expires_at" timestamp with time zone,
	"timeout_outcome" text DEFAULT 'rejected' NOT NULL,
	"requested_by" uuid,
	"decided_by" uuid,
	"decided_via" text,
	"comment" text,
	"decided_at" timestamp with time zone,
	"notified_at" timestamp with time zone,
	"handled_at" timestamp with time zone,
	"handler_attempts" integer DEFAULT 0 NOT NULL,
	"handler_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "approval_events" ADD CONSTRAINT "approval_events_approval_id_approvals_id_fk" FOREIGN KEY ("approval_id") REFERENCES "public"."approvals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "approval_events_approval_idx" ON "approval_events" USING btree ("approval_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_source_key" ON "approvals" USING btree ("source","source_id");--> statement-breakpoint
CREATE INDEX "approvals_status_idx" ON "approvals" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "approvals_due_idx" ON "approvals" USING btree ("expires_at") WHERE "approvals"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "approvals_unhandled_idx" ON "approvals" USING btree ("decided_at") WHERE "approvals"."handled_at" is null and "approvals"."decided_at" is not null;