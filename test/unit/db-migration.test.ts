/**
 * A performance DB made before the `insights` table became `findings` (migrated to 0000 only, the
 * way that version's openDb left it) migrates forward on the next openDb without losing a row.
 */
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../db/client';
import { findings } from '../../db/schema';

const MIGRATIONS = fileURLToPath(new URL('../../db/migrations/', import.meta.url));

/** A copy of the migrations folder as it was at 0000: its SQL and a journal listing it alone. */
function migrationsAt0000(dir: string): string {
  const folder = path.join(dir, 'migrations');
  mkdirSync(path.join(folder, 'meta'), { recursive: true });
  copyFileSync(path.join(MIGRATIONS, '0000_init.sql'), path.join(folder, '0000_init.sql'));
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS, 'meta/_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
  journal.entries = journal.entries.filter((e) => e.tag === '0000_init');
  writeFileSync(path.join(folder, 'meta/_journal.json'), JSON.stringify(journal));
  return folder;
}

describe('performance DB migrations', () => {
  it('keeps the conclusions of a DB made before the rename: the insights rows are read back from findings', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'maa-migrate-'));
    const file = path.join(dir, 'performance.db');
    const old = new Database(file);
    migrate(drizzle(old), { migrationsFolder: migrationsAt0000(dir) });
    old
      .prepare('INSERT INTO insights (account_id, cycle_id, kind, subject, text, confidence, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run('act_1', 'cycle-old', 'duplicate-removed', 'key-1', 'Deleted duplicate ad 42.', 1, '2026-03-01T00:00:00.000Z');
    old.close();

    const db = openDb(file);
    try {
      expect(db.select().from(findings).where(eq(findings.cycleId, 'cycle-old')).all()).toEqual([
        expect.objectContaining({ accountId: 'act_1', kind: 'duplicate-removed', subject: 'key-1', text: 'Deleted duplicate ad 42.', confidence: 1 }),
      ]);
      const tables = db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('insights', 'findings')").all();
      expect(tables).toEqual([{ name: 'findings' }]);
      // New rows continue the old ids (AUTOINCREMENT's counter moved with the table).
      db.insert(findings).values({ accountId: 'act_1', cycleId: 'cycle-new', kind: 'pause', subject: 'c1', text: 'Paused.', confidence: 0.97 }).run();
      expect(
        db
          .select({ id: findings.id })
          .from(findings)
          .all()
          .map((r) => r.id),
      ).toEqual([1, 2]);
    } finally {
      db.$client.close();
    }
  });
});
