CREATE TABLE "relayed_actions" (
	"chain_id" integer NOT NULL,
	"account" text NOT NULL,
	"nonce" text NOT NULL,
	"kind" text NOT NULL,
	"client" text NOT NULL,
	"tx_hash" text,
	"at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "relayed_actions_chain_id_account_nonce_pk" PRIMARY KEY("chain_id","account","nonce")
);
--> statement-breakpoint
CREATE INDEX "relayed_actions_at_idx" ON "relayed_actions" USING btree ("at");