CREATE TABLE "activity_log" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"actor" text NOT NULL,
	"role" text NOT NULL,
	"kind" text NOT NULL,
	"report_id" text,
	"session_id" text,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "activity_log_kind_check" CHECK ("activity_log"."kind" in ('login', 'logout', 'session_expired', 'report_opened'))
);
--> statement-breakpoint
CREATE TABLE "appointments" (
	"id" text PRIMARY KEY NOT NULL,
	"patient" text NOT NULL,
	"doctor" text NOT NULL,
	"slot_start" timestamp (3) with time zone NOT NULL,
	"slot_end" timestamp (3) with time zone NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"created_by" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "appointments_status_check" CHECK ("appointments"."status" in ('requested', 'confirmed', 'declined', 'cancelled')),
	CONSTRAINT "appointments_slot_check" CHECK ("appointments"."slot_end" > "appointments"."slot_start")
);
--> statement-breakpoint
CREATE TABLE "nonces" (
	"value" text PRIMARY KEY NOT NULL,
	"issued_at" timestamp (3) with time zone NOT NULL,
	"used_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"address" text NOT NULL,
	"chain_id" integer NOT NULL,
	"issued_at" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"ended_at" timestamp (3) with time zone,
	"end_reason" text,
	CONSTRAINT "sessions_end_reason_check" CHECK ("sessions"."end_reason" in ('logout', 'expired'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "activity_log_seq_key" ON "activity_log" USING btree ("seq");--> statement-breakpoint
CREATE UNIQUE INDEX "activity_log_prev_hash_key" ON "activity_log" USING btree ("prev_hash");--> statement-breakpoint
CREATE INDEX "activity_log_actor_idx" ON "activity_log" USING btree ("actor");--> statement-breakpoint
CREATE INDEX "activity_log_at_idx" ON "activity_log" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "appointments_doctor_slot_open_key" ON "appointments" USING btree ("doctor","slot_start") WHERE "appointments"."status" in ('requested', 'confirmed');--> statement-breakpoint
CREATE INDEX "appointments_patient_idx" ON "appointments" USING btree ("patient");--> statement-breakpoint
CREATE INDEX "sessions_address_idx" ON "sessions" USING btree ("address");