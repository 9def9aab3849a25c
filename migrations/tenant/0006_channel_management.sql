CREATE TABLE "channel_files" (
	"id" uuid PRIMARY KEY NOT NULL,
	"channel_id" uuid NOT NULL,
	"uploaded_by_member_id" uuid,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"r2_key" text NOT NULL,
	"description" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channel_records" (
	"id" uuid PRIMARY KEY NOT NULL,
	"channel_id" uuid NOT NULL,
	"record_id" uuid NOT NULL,
	"recordset_id" uuid,
	"note" text,
	"added_by_member_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "completed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "completed_by_member_id" uuid;--> statement-breakpoint
ALTER TABLE "channel_files" ADD CONSTRAINT "channel_files_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_files" ADD CONSTRAINT "channel_files_uploaded_by_member_id_members_id_fk" FOREIGN KEY ("uploaded_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_records" ADD CONSTRAINT "channel_records_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_records" ADD CONSTRAINT "channel_records_added_by_member_id_members_id_fk" FOREIGN KEY ("added_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "channel_files_channel_idx" ON "channel_files" USING btree ("channel_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_files_r2_key_key" ON "channel_files" USING btree ("r2_key");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_records_channel_record_key" ON "channel_records" USING btree ("channel_id","record_id");--> statement-breakpoint
CREATE INDEX "channel_records_record_idx" ON "channel_records" USING btree ("record_id");--> statement-breakpoint
ALTER TABLE "channels" ADD CONSTRAINT "channels_completed_by_member_id_members_id_fk" FOREIGN KEY ("completed_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;