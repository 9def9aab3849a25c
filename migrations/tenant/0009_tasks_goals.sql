DROP INDEX "task_files_task_idx";--> statement-breakpoint
DROP INDEX "task_history_task_idx";--> statement-breakpoint
ALTER TABLE "task_files" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
ALTER TABLE "task_history" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
CREATE INDEX "task_files_task_idx" ON "task_files" USING btree ("task_id","seq");--> statement-breakpoint
CREATE INDEX "task_history_task_idx" ON "task_history" USING btree ("task_id","seq");