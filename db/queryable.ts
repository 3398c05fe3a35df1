/**
 * The DB or a transaction on it. Store functions take either, so a caller can make their writes
 * part of its own transaction (a check and the record it guards, a transition and its finding).
 */
import type { RunResult } from 'better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema';

export type Queryable = BaseSQLiteDatabase<'sync', RunResult, typeof schema>;
