CREATE TABLE `budget_edits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`account_id` text NOT NULL,
	`adset_id` text NOT NULL,
	`from_cents` integer NOT NULL,
	`to_cents` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `budget_edits_key_unique` ON `budget_edits` (`key`);--> statement-breakpoint
CREATE TABLE `creatives` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`cycle_id` text NOT NULL,
	`slot` integer NOT NULL,
	`hook_id` text NOT NULL,
	`format` text NOT NULL,
	`status` text NOT NULL,
	`model` text,
	`prompt` text,
	`kie_task_id` text,
	`cost_credits` real DEFAULT 0 NOT NULL,
	`cost_usd` real DEFAULT 0 NOT NULL,
	`file_path` text,
	`fail_reason` text,
	`daily_budget_cents` integer,
	`meta_image_hash` text,
	`meta_campaign_id` text,
	`meta_adset_id` text,
	`meta_creative_id` text,
	`meta_ad_id` text,
	`launched_at` text,
	`paused_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `creatives_account_status` ON `creatives` (`account_id`,`status`);--> statement-breakpoint
CREATE UNIQUE INDEX `creatives_meta_ad` ON `creatives` (`meta_ad_id`);--> statement-breakpoint
CREATE TABLE `cycles` (
	`cycle_id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`status` text NOT NULL,
	`result` text,
	`started_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`finished_at` text
);
--> statement-breakpoint
CREATE TABLE `decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` text NOT NULL,
	`cycle_id` text NOT NULL,
	`kind` text NOT NULL,
	`creative_id` text,
	`hook_id` text,
	`reason` text NOT NULL,
	`probability` real,
	`snapshot` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `generation_tasks` (
	`key` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`creative_id` text NOT NULL,
	`provider` text NOT NULL,
	`model` text NOT NULL,
	`task_id` text,
	`callback_token` text,
	`state` text NOT NULL,
	`estimated_credits` real NOT NULL,
	`actual_credits` real,
	`result_url` text,
	`fail_reason` text,
	`submit_attempts` integer DEFAULT 0 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`completed_at` text
);
--> statement-breakpoint
CREATE INDEX `generation_tasks_account_created` ON `generation_tasks` (`account_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `insights` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` text NOT NULL,
	`cycle_id` text NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`confidence` real NOT NULL,
	`data` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `performance` (
	`account_id` text NOT NULL,
	`ad_id` text NOT NULL,
	`date` text NOT NULL,
	`adset_id` text,
	`campaign_id` text,
	`impressions` integer NOT NULL,
	`reach` integer DEFAULT 0 NOT NULL,
	`clicks` integer DEFAULT 0 NOT NULL,
	`link_clicks` integer DEFAULT 0 NOT NULL,
	`landing_page_views` integer DEFAULT 0 NOT NULL,
	`conversions` integer DEFAULT 0 NOT NULL,
	`spend_cents` integer DEFAULT 0 NOT NULL,
	`fetched_at` text NOT NULL,
	PRIMARY KEY(`ad_id`, `date`)
);
--> statement-breakpoint
CREATE INDEX `performance_account_date` ON `performance` (`account_id`,`date`);--> statement-breakpoint
CREATE TABLE `side_effects` (
	`key` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`external_id` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
