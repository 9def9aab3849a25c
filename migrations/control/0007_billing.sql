CREATE TABLE "credit_alerts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"type" text NOT NULL,
	"threshold" integer NOT NULL,
	"channels" jsonb DEFAULT '["email"]'::jsonb NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"armed" boolean DEFAULT true NOT NULL,
	"last_triggered_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_balances" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"balance" bigint DEFAULT 0 NOT NULL,
	"held" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_holds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"amount" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stripe_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"created" bigint NOT NULL,
	"workspace_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workspace_billing" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"status" text DEFAULT 'trialing' NOT NULL,
	"billing_period" text,
	"trial_ends_at" timestamp with time zone,
	"stripe_customer_id" text,
	"stripe_subscription_id" text,
	"stripe_price_id" text,
	"stripe_schedule_id" text,
	"current_period_start" timestamp with time zone,
	"current_period_end" timestamp with time zone,
	"cancel_at_period_end" boolean DEFAULT false NOT NULL,
	"canceled_at" timestamp with time zone,
	"scheduled_tier" text,
	"scheduled_period" text,
	"scheduled_at" timestamp with time zone,
	"access_until" timestamp with time zone,
	"affiliate_code" text,
	"stripe_event_at" bigint,
	"synced_at" timestamp with time zone,
	"overrides" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"auto_reload_enabled" boolean DEFAULT false NOT NULL,
	"auto_reload_threshold" integer,
	"auto_reload_amount" integer,
	"auto_reload_payment_method" text,
	"auto_reload_armed" boolean DEFAULT true NOT NULL,
	"auto_reload_last_at" timestamp with time zone,
	"auto_reload_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "credit_alerts" ADD CONSTRAINT "credit_alerts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_balances" ADD CONSTRAINT "credit_balances_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_holds" ADD CONSTRAINT "credit_holds_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_billing" ADD CONSTRAINT "workspace_billing_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "credit_alerts_ws_idx" ON "credit_alerts" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "credit_holds_expires_idx" ON "credit_holds" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "workspace_billing_customer_idx" ON "workspace_billing" USING btree ("stripe_customer_id");--> statement-breakpoint
CREATE INDEX "workspace_billing_subscription_idx" ON "workspace_billing" USING btree ("stripe_subscription_id");--> statement-breakpoint
-- credit_balances.balance = SUM(ai_credit_ledger.amount), kept by the ledger's insert trigger
-- (the ledger is append-only, so inserts are the only change).
CREATE FUNCTION ai_credit_ledger_to_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO credit_balances (workspace_id, balance) VALUES (NEW.workspace_id, NEW.amount)
  ON CONFLICT (workspace_id) DO UPDATE SET balance = credit_balances.balance + EXCLUDED.balance, updated_at = now();
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER ai_credit_ledger_balance AFTER INSERT ON ai_credit_ledger FOR EACH ROW EXECUTE FUNCTION ai_credit_ledger_to_balance();--> statement-breakpoint
INSERT INTO credit_balances (workspace_id, balance) SELECT workspace_id, SUM(amount) FROM ai_credit_ledger GROUP BY workspace_id;--> statement-breakpoint
INSERT INTO workspace_billing (workspace_id, status, trial_ends_at) SELECT id, 'trialing', created_at + interval '3 days' FROM workspaces ON CONFLICT DO NOTHING;
