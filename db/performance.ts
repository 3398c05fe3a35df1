/** Ad-level daily insights as Meta reports them: restated days are upserted, never duplicated. */
import { inArray } from 'drizzle-orm';
import type { Queryable } from './queryable';
import { performance } from './schema';

export type PerformanceRow = typeof performance.$inferSelect;
export type NewPerformanceRow = typeof performance.$inferInsert;

/** Stores a pull's rows in one transaction (a day Meta restated replaces the stored one). */
export function upsertPerformance(q: Queryable, rows: NewPerformanceRow[]): void {
  q.transaction((tx) => {
    for (const v of rows)
      tx.insert(performance)
        .values(v)
        .onConflictDoUpdate({ target: [performance.adId, performance.date], set: v })
        .run();
  });
}

/** Every stored day of these ads. */
export function performanceOfAds(q: Queryable, adIds: string[]): PerformanceRow[] {
  return adIds.length ? q.select().from(performance).where(inArray(performance.adId, adIds)).all() : [];
}
