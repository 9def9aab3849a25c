CREATE TABLE "record_attachments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"record_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"storage_key" text NOT NULL,
	"uploaded_by_member_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "record_comments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"record_id" uuid NOT NULL,
	"member_id" uuid,
	"parent_id" uuid,
	"content" text NOT NULL,
	"edited_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "record_relationships" (
	"id" uuid PRIMARY KEY NOT NULL,
	"source_record_id" uuid NOT NULL,
	"target_record_id" uuid NOT NULL,
	"relationship_type" text DEFAULT 'related' NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by_member_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "record_versions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"record_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"field_values" jsonb NOT NULL,
	"status" text NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"change_type" text NOT NULL,
	"restored_from_version" integer,
	"changed_by_member_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "records" (
	"id" uuid PRIMARY KEY NOT NULL,
	"recordset_id" uuid NOT NULL,
	"field_values" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"title" text,
	"search_text" text,
	"status" text DEFAULT 'active' NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"dismissed_from" text[] DEFAULT '{}'::text[] NOT NULL,
	"import_job_id" uuid,
	"import_row" integer,
	"geometry" jsonb,
	"lng" double precision,
	"lat" double precision,
	"min_lng" double precision,
	"min_lat" double precision,
	"max_lng" double precision,
	"max_lat" double precision,
	"geo_precision" text,
	"created_by_member_id" uuid,
	"updated_by_member_id" uuid,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recordset_access" (
	"id" uuid PRIMARY KEY NOT NULL,
	"recordset_id" uuid NOT NULL,
	"member_id" uuid,
	"team_id" uuid,
	"can_view" boolean DEFAULT true NOT NULL,
	"can_create" boolean DEFAULT false NOT NULL,
	"can_edit" boolean DEFAULT false NOT NULL,
	"can_edit_own" boolean DEFAULT false NOT NULL,
	"can_delete" boolean DEFAULT false NOT NULL,
	"can_delete_own" boolean DEFAULT false NOT NULL,
	"is_admin" boolean DEFAULT false NOT NULL,
	"granted_by_member_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recordset_access_one_grantee" CHECK (("recordset_access"."member_id" is null) <> ("recordset_access"."team_id" is null))
);
--> statement-breakpoint
CREATE TABLE "recordset_pipelines" (
	"id" uuid PRIMARY KEY NOT NULL,
	"recordset_id" uuid NOT NULL,
	"name" text NOT NULL,
	"stage_field" text NOT NULL,
	"stages" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by_member_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recordset_views" (
	"id" uuid PRIMARY KEY NOT NULL,
	"recordset_id" uuid NOT NULL,
	"name" text NOT NULL,
	"filters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"sort" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"columns" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_by_member_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recordsets" (
	"id" uuid PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"icon" text,
	"color" text,
	"type" text DEFAULT 'custom' NOT NULL,
	"mode" text DEFAULT 'table' NOT NULL,
	"fields" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"gis_mapping" jsonb,
	"is_integration" boolean DEFAULT false NOT NULL,
	"staging_table" text,
	"record_count" integer DEFAULT 0 NOT NULL,
	"created_by_member_id" uuid,
	"deleted_at" timestamp with time zone,
	"deleted_by_member_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "record_attachments" ADD CONSTRAINT "record_attachments_record_id_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."records"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_attachments" ADD CONSTRAINT "record_attachments_uploaded_by_member_id_members_id_fk" FOREIGN KEY ("uploaded_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_comments" ADD CONSTRAINT "record_comments_record_id_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."records"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_comments" ADD CONSTRAINT "record_comments_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_relationships" ADD CONSTRAINT "record_relationships_source_record_id_records_id_fk" FOREIGN KEY ("source_record_id") REFERENCES "public"."records"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_relationships" ADD CONSTRAINT "record_relationships_target_record_id_records_id_fk" FOREIGN KEY ("target_record_id") REFERENCES "public"."records"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_relationships" ADD CONSTRAINT "record_relationships_created_by_member_id_members_id_fk" FOREIGN KEY ("created_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_versions" ADD CONSTRAINT "record_versions_record_id_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."records"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_versions" ADD CONSTRAINT "record_versions_changed_by_member_id_members_id_fk" FOREIGN KEY ("changed_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "records" ADD CONSTRAINT "records_recordset_id_recordsets_id_fk" FOREIGN KEY ("recordset_id") REFERENCES "public"."recordsets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "records" ADD CONSTRAINT "records_created_by_member_id_members_id_fk" FOREIGN KEY ("created_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "records" ADD CONSTRAINT "records_updated_by_member_id_members_id_fk" FOREIGN KEY ("updated_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recordset_access" ADD CONSTRAINT "recordset_access_recordset_id_recordsets_id_fk" FOREIGN KEY ("recordset_id") REFERENCES "public"."recordsets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recordset_access" ADD CONSTRAINT "recordset_access_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recordset_access" ADD CONSTRAINT "recordset_access_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recordset_access" ADD CONSTRAINT "recordset_access_granted_by_member_id_members_id_fk" FOREIGN KEY ("granted_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recordset_pipelines" ADD CONSTRAINT "recordset_pipelines_recordset_id_recordsets_id_fk" FOREIGN KEY ("recordset_id") REFERENCES "public"."recordsets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recordset_pipelines" ADD CONSTRAINT "recordset_pipelines_created_by_member_id_members_id_fk" FOREIGN KEY ("created_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recordset_views" ADD CONSTRAINT "recordset_views_recordset_id_recordsets_id_fk" FOREIGN KEY ("recordset_id") REFERENCES "public"."recordsets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recordset_views" ADD CONSTRAINT "recordset_views_created_by_member_id_members_id_fk" FOREIGN KEY ("created_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recordsets" ADD CONSTRAINT "recordsets_created_by_member_id_members_id_fk" FOREIGN KEY ("created_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recordsets" ADD CONSTRAINT "recordsets_deleted_by_member_id_members_id_fk" FOREIGN KEY ("deleted_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "record_attachments_record_idx" ON "record_attachments" USING btree ("record_id");--> statement-breakpoint
CREATE INDEX "record_comments_record_idx" ON "record_comments" USING btree ("record_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "record_relationships_key" ON "record_relationships" USING btree ("source_record_id","target_record_id","relationship_type");--> statement-breakpoint
CREATE INDEX "record_relationships_target_idx" ON "record_relationships" USING btree ("target_record_id");--> statement-breakpoint
CREATE UNIQUE INDEX "record_versions_record_version_key" ON "record_versions" USING btree ("record_id","version");--> statement-breakpoint
CREATE INDEX "records_recordset_created_idx" ON "records" USING btree ("recordset_id","created_at");--> statement-breakpoint
CREATE INDEX "records_recordset_status_idx" ON "records" USING btree ("recordset_id","status");--> statement-breakpoint
CREATE INDEX "records_field_values_idx" ON "records" USING gin ("field_values" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "records_tags_idx" ON "records" USING gin ("tags");--> statement-breakpoint
CREATE UNIQUE INDEX "records_import_row_key" ON "records" USING btree ("import_job_id","import_row");--> statement-breakpoint
CREATE INDEX "records_bbox_idx" ON "records" USING btree ("recordset_id","min_lng","max_lng","min_lat","max_lat");--> statement-breakpoint
CREATE INDEX "records_point_idx" ON "records" USING btree ("recordset_id","lng","lat");--> statement-breakpoint
CREATE UNIQUE INDEX "recordset_access_member_key" ON "recordset_access" USING btree ("recordset_id","member_id");--> statement-breakpoint
CREATE UNIQUE INDEX "recordset_access_team_key" ON "recordset_access" USING btree ("recordset_id","team_id");--> statement-breakpoint
CREATE INDEX "recordset_access_member_idx" ON "recordset_access" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "recordset_access_team_idx" ON "recordset_access" USING btree ("team_id");--> statement-breakpoint
CREATE UNIQUE INDEX "recordset_pipelines_recordset_key" ON "recordset_pipelines" USING btree ("recordset_id");--> statement-breakpoint
CREATE INDEX "recordset_views_recordset_idx" ON "recordset_views" USING btree ("recordset_id");--> statement-breakpoint
CREATE UNIQUE INDEX "recordsets_slug_key" ON "recordsets" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "recordsets_deleted_idx" ON "recordsets" USING btree ("deleted_at");