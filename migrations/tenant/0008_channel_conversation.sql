DROP INDEX "messages_channel_seq_key";--> statement-breakpoint
CREATE INDEX "messages_channel_seq_idx" ON "messages" USING btree ("channel_id","seq");--> statement-breakpoint
CREATE INDEX "messages_squashed_into_idx" ON "messages" USING btree ("squashed_into_id") WHERE "messages"."squashed_into_id" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "messages_channel_seq_key" ON "messages" USING btree ("channel_id","seq") WHERE "messages"."deleted_at" IS NULL;