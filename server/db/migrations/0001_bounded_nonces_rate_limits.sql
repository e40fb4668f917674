-- Nonces are ephemeral (a sign-in in progress); the old unbounded rows are dropped so the new NOT NULL columns need no default.
DELETE FROM "nonces";--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"updated_ms" double precision NOT NULL,
	"full_ms" double precision NOT NULL,
	"allowed" boolean NOT NULL
);
--> statement-breakpoint
ALTER TABLE "nonces" ADD COLUMN "expires_at" timestamp (3) with time zone NOT NULL;--> statement-breakpoint
ALTER TABLE "nonces" ADD COLUMN "client" text NOT NULL;--> statement-breakpoint
CREATE INDEX "rate_limits_full_ms_idx" ON "rate_limits" USING btree ("full_ms");--> statement-breakpoint
CREATE INDEX "nonces_expires_at_idx" ON "nonces" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "nonces_client_expires_at_idx" ON "nonces" USING btree ("client","expires_at");