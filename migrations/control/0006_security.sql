CREATE TABLE "used_token_ids" (
	"jti" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "refresh_tokens" ADD COLUMN "impersonator_id" uuid;--> statement-breakpoint
-- Tokens issued before this column existed may have been shown to an inviter: treat them as links.
ALTER TABLE "invitations" ADD COLUMN "delivery" text DEFAULT 'link' NOT NULL;--> statement-breakpoint
ALTER TABLE "invitations" ALTER COLUMN "delivery" SET DEFAULT 'email';