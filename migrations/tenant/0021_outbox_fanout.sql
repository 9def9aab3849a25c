ALTER TABLE "outbox_events" ADD COLUMN "fanned_out_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "outbox_events_unfanned_idx" ON "outbox_events" USING btree ("published_at") WHERE "outbox_events"."published_at" is not null and "outbox_events"."fanned_out_at" is null;--> statement-breakpoint
-- Events published before this column existed were fanned out then: not lost messages.
UPDATE "outbox_events" SET "fanned_out_at" = "published_at" WHERE "published_at" IS NOT NULL;
