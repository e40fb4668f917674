CREATE TABLE "ipfs_upload_quota" (
	"account" text NOT NULL,
	"day" text NOT NULL,
	"bytes" bigint NOT NULL,
	"uploads" integer NOT NULL,
	CONSTRAINT "ipfs_upload_quota_account_day_pk" PRIMARY KEY("account","day")
);
--> statement-breakpoint
CREATE INDEX "ipfs_upload_quota_day_idx" ON "ipfs_upload_quota" USING btree ("day");