CREATE SCHEMA "integration_staging";
--> statement-breakpoint
CREATE TABLE "agent_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"agent_id" uuid NOT NULL,
	"invoked_by_member_id" uuid,
	"source" text DEFAULT 'api' NOT NULL,
	"instruction" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"steps" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"output" text,
	"error" text,
	"hit_step_limit" boolean DEFAULT false NOT NULL,
	"model" text,
	"prompt_tokens" integer DEFAULT 0 NOT NULL,
	"completion_tokens" integer DEFAULT 0 NOT NULL,
	"duration_ms" integer,
	"rating" smallint,
	"rating_comment" text,
	"rated_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"category" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"system_prompt" text DEFAULT '' NOT NULL,
	"capabilities" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"tier" text DEFAULT 'starter' NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"avatar" text,
	"model" text,
	"is_builtin" boolean DEFAULT false NOT NULL,
	"member_id" uuid NOT NULL,
	"created_by_member_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "integration_staging"."staged_rows" (
	"id" uuid PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "record_insights" (
	"id" uuid PRIMARY KEY NOT NULL,
	"record_id" uuid NOT NULL,
	"recordset_id" uuid NOT NULL,
	"type" text NOT NULL,
	"title" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"priority" text DEFAULT 'medium' NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"source" text DEFAULT 'ai' NOT NULL,
	"model" text,
	"created_by_member_id" uuid,
	"actioned_at" timestamp with time zone,
	"actioned_by_member_id" uuid,
	"action_note" text,
	"dismissed_at" timestamp with time zone,
	"dismissed_by_member_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "record_interactions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"record_id" uuid NOT NULL,
	"recordset_id" uuid NOT NULL,
	"type" text NOT NULL,
	"direction" text,
	"subject" text,
	"summary" text,
	"outcome" text,
	"duration_minutes" integer,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"member_id" uuid,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "record_tasks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"record_id" uuid NOT NULL,
	"recordset_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"due_at" timestamp with time zone,
	"status" text DEFAULT 'todo' NOT NULL,
	"priority" text DEFAULT 'medium' NOT NULL,
	"assignee_member_id" uuid,
	"created_by_member_id" uuid,
	"completed_at" timestamp with time zone,
	"completed_by_member_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ai_usage" (
	"id" uuid PRIMARY KEY NOT NULL,
	"model" text NOT NULL,
	"provider" text NOT NULL,
	"operation" text NOT NULL,
	"prompt_tokens" integer DEFAULT 0 NOT NULL,
	"completion_tokens" integer DEFAULT 0 NOT NULL,
	"units" integer DEFAULT 0 NOT NULL,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"credits" integer DEFAULT 0 NOT NULL,
	"actor_kind" text NOT NULL,
	"user_id" uuid,
	"member_id" uuid,
	"api_key_id" uuid,
	"latency_ms" integer DEFAULT 0 NOT NULL,
	"status" text NOT NULL,
	"error_code" text,
	"request_id" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agent_runs" ADD CONSTRAINT "agent_runs_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_runs" ADD CONSTRAINT "agent_runs_invoked_by_member_id_members_id_fk" FOREIGN KEY ("invoked_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_created_by_member_id_members_id_fk" FOREIGN KEY ("created_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_insights" ADD CONSTRAINT "record_insights_record_id_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."records"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_insights" ADD CONSTRAINT "record_insights_recordset_id_recordsets_id_fk" FOREIGN KEY ("recordset_id") REFERENCES "public"."recordsets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_insights" ADD CONSTRAINT "record_insights_created_by_member_id_members_id_fk" FOREIGN KEY ("created_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_insights" ADD CONSTRAINT "record_insights_actioned_by_member_id_members_id_fk" FOREIGN KEY ("actioned_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_insights" ADD CONSTRAINT "record_insights_dismissed_by_member_id_members_id_fk" FOREIGN KEY ("dismissed_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_interactions" ADD CONSTRAINT "record_interactions_record_id_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."records"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_interactions" ADD CONSTRAINT "record_interactions_recordset_id_recordsets_id_fk" FOREIGN KEY ("recordset_id") REFERENCES "public"."recordsets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_interactions" ADD CONSTRAINT "record_interactions_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_tasks" ADD CONSTRAINT "record_tasks_record_id_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."records"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_tasks" ADD CONSTRAINT "record_tasks_recordset_id_recordsets_id_fk" FOREIGN KEY ("recordset_id") REFERENCES "public"."recordsets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_tasks" ADD CONSTRAINT "record_tasks_assignee_member_id_members_id_fk" FOREIGN KEY ("assignee_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_tasks" ADD CONSTRAINT "record_tasks_created_by_member_id_members_id_fk" FOREIGN KEY ("created_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_tasks" ADD CONSTRAINT "record_tasks_completed_by_member_id_members_id_fk" FOREIGN KEY ("completed_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_runs_agent_created_idx" ON "agent_runs" USING btree ("agent_id","created_at");--> statement-breakpoint
CREATE INDEX "agent_runs_status_idx" ON "agent_runs" USING btree ("agent_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "agents_slug_key" ON "agents" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "agents_category_idx" ON "agents" USING btree ("category");--> statement-breakpoint
CREATE UNIQUE INDEX "staged_rows_source_external_key" ON "integration_staging"."staged_rows" USING btree ("source","external_id");--> statement-breakpoint
CREATE INDEX "staged_rows_source_synced_idx" ON "integration_staging"."staged_rows" USING btree ("source","synced_at","id");--> statement-breakpoint
CREATE INDEX "staged_rows_data_idx" ON "integration_staging"."staged_rows" USING gin ("data" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "record_insights_record_idx" ON "record_insights" USING btree ("record_id","created_at");--> statement-breakpoint
CREATE INDEX "record_insights_recordset_idx" ON "record_insights" USING btree ("recordset_id","status");--> statement-breakpoint
CREATE INDEX "record_interactions_record_idx" ON "record_interactions" USING btree ("record_id","occurred_at");--> statement-breakpoint
CREATE INDEX "record_interactions_recordset_idx" ON "record_interactions" USING btree ("recordset_id","occurred_at");--> statement-breakpoint
CREATE INDEX "record_tasks_record_idx" ON "record_tasks" USING btree ("record_id","created_at");--> statement-breakpoint
CREATE INDEX "record_tasks_recordset_idx" ON "record_tasks" USING btree ("recordset_id","status","due_at");--> statement-breakpoint
CREATE INDEX "record_tasks_assignee_idx" ON "record_tasks" USING btree ("assignee_member_id");--> statement-breakpoint
CREATE INDEX "ai_usage_created_idx" ON "ai_usage" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "ai_usage_operation_created_idx" ON "ai_usage" USING btree ("operation","created_at");