CREATE TABLE "opening_nonces" (
	"value" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"used_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "activity_log" ADD COLUMN "via" text;--> statement-breakpoint
CREATE INDEX "opening_nonces_expires_at_idx" ON "opening_nonces" USING btree ("expires_at");--> statement-breakpoint
ALTER TABLE "activity_log" ADD CONSTRAINT "activity_log_via_check" CHECK ("activity_log"."via" is null or "activity_log"."via" in ('app', 'cli'));