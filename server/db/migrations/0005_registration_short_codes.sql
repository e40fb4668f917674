CREATE TABLE "registration_codes" (
	"short" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "registration_codes_expires_at_idx" ON "registration_codes" USING btree ("expires_at");