CREATE TABLE `next_cycle_overrides` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` text NOT NULL,
	`hook_id` text,
	`format` text,
	`requested_by` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`claimed_by` text,
	`claimed_at` text
);
--> statement-breakpoint
CREATE INDEX `next_cycle_overrides_account` ON `next_cycle_overrides` (`account_id`,`claimed_by`);