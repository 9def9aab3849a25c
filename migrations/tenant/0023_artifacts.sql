CREATE TABLE "artifact_executions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"proposal_id" uuid NOT NULL,
	"artifact_id" uuid NOT NULL,
	"status" text DEFAULT 'applied' NOT NULL,
	"before" jsonb NOT NULL,
	"after" jsonb NOT NULL,
	"results" jsonb NOT NULL,
	"executed_by_member_id" uuid,
	"rolled_back_at" timestamp with time zone,
	"rolled_back_by_member_id" uuid,
	"rollback_version" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "artifact_intents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"action" text NOT NULL,
	"artifact_id" uuid,
	"description" text NOT NULL,
	"params" jsonb NOT NULL,
	"created_by_member_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "artifact_proposals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"intent_id" uuid NOT NULL,
	"artifact_id" uuid,
	"action" text NOT NULL,
	"title" text NOT NULL,
	"plan" jsonb NOT NULL,
	"checks" jsonb NOT NULL,
	"checks_passed" boolean NOT NULL,
	"base_version" integer,
	"status" text DEFAULT 'pending' NOT NULL,
	"proposed_by_member_id" uuid,
	"decided_by_member_id" uuid,
	"decided_at" timestamp with time zone,
	"decision_comment" text,
	"executed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "artifact_versions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"artifact_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"content" text NOT NULL,
	"content_hash" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"change_message" text,
	"restored_from_version" integer,
	"execution_id" uuid,
	"created_by_member_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "artifacts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"artifact_type" text NOT NULL,
	"format" text NOT NULL,
	"description" text,
	"latest_version" integer NOT NULL,
	"published_version" integer,
	"published_at" timestamp with time zone,
	"published_by_member_id" uuid,
	"created_by_member_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "artifact_executions" ADD CONSTRAINT "artifact_executions_proposal_id_artifact_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."artifact_proposals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifact_executions" ADD CONSTRAINT "artifact_executions_artifact_id_artifacts_id_fk" FOREIGN KEY ("artifact_id") REFERENCES "public"."artifacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifact_executions" ADD CONSTRAINT "artifact_executions_executed_by_member_id_members_id_fk" FOREIGN KEY ("executed_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifact_executions" ADD CONSTRAINT "artifact_executions_rolled_back_by_member_id_members_id_fk" FOREIGN KEY ("rolled_back_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifact_intents" ADD CONSTRAINT "artifact_intents_artifact_id_artifacts_id_fk" FOREIGN KEY ("artifact_id") REFERENCES "public"."artifacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifact_intents" ADD CONSTRAINT "artifact_intents_created_by_member_id_members_id_fk" FOREIGN KEY ("created_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifact_proposals" ADD CONSTRAINT "artifact_proposals_intent_id_artifact_intents_id_fk" FOREIGN KEY ("intent_id") REFERENCES "public"."artifact_intents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifact_proposals" ADD CONSTRAINT "artifact_proposals_artifact_id_artifacts_id_fk" FOREIGN KEY ("artifact_id") REFERENCES "public"."artifacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifact_proposals" ADD CONSTRAINT "artifact_proposals_proposed_by_member_id_members_id_fk" FOREIGN KEY ("proposed_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifact_proposals" ADD CONSTRAINT "artifact_proposals_decided_by_member_id_members_id_fk" FOREIGN KEY ("decided_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifact_versions" ADD CONSTRAINT "artifact_versions_artifact_id_artifacts_id_fk" FOREIGN KEY ("artifact_id") REFERENCES "public"."artifacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifact_versions" ADD CONSTRAINT "artifact_versions_created_by_member_id_members_id_fk" FOREIGN KEY ("created_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifacts" ADD CONSTRAINT "artifacts_published_by_member_id_members_id_fk" FOREIGN KEY ("published_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifacts" ADD CONSTRAINT "artifacts_created_by_member_id_members_id_fk" FOREIGN KEY ("created_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "artifact_executions_proposal_key" ON "artifact_executions" USING btree ("proposal_id");--> statement-breakpoint
CREATE INDEX "artifact_executions_artifact_idx" ON "artifact_executions" USING btree ("artifact_id");--> statement-breakpoint
CREATE INDEX "artifact_intents_artifact_idx" ON "artifact_intents" USING btree ("artifact_id");--> statement-breakpoint
CREATE INDEX "artifact_proposals_status_idx" ON "artifact_proposals" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "artifact_proposals_artifact_idx" ON "artifact_proposals" USING btree ("artifact_id");--> statement-breakpoint
CREATE UNIQUE INDEX "artifact_proposals_intent_key" ON "artifact_proposals" USING btree ("intent_id");--> statement-breakpoint
CREATE UNIQUE INDEX "artifact_versions_artifact_version_key" ON "artifact_versions" USING btree ("artifact_id","version");--> statement-breakpoint
CREATE INDEX "artifacts_type_idx" ON "artifacts" USING btree ("artifact_type","created_at");--> statement-breakpoint
CREATE INDEX "artifacts_created_by_idx" ON "artifacts" USING btree ("created_by_member_id");--> statement-breakpoint
CREATE INDEX "artifacts_name_idx" ON "artifacts" USING btree (lower("name"));