/**
 * The report of every configured account, from the performance DB: what `npm run report` writes
 * and what the trigger API serves at /report.
 */
import type { Config } from '../config/env';
import type { Db } from '../db/client';
import { loadHookLibrary } from '../learning';
import { accountReport, type AccountReport } from './data';
import { accountPage, indexPage } from './html';

export interface ReportOptions {
  now?: Date;
  /** Only the last N days in the charts (default: since the first launch). */
  maxDays?: number;
}

/** One report per configured account (enabled or not: a disabled account's history still matters), in file order. */
export function accountReports(db: Db, config: Pick<Config, 'accounts' | 'kie'>, opts: ReportOptions = {}): AccountReport[] {
  const now = opts.now ?? new Date();
  return config.accounts.map((a) =>
    accountReport(
      db,
      {
        id: a.id,
        name: a.name,
        totalDailySpendCapCents: a.totalDailySpendCapCents,
        maxLiveAds: a.maxLiveAds,
        policy: a.policy,
        objective: a.objective,
        attribution: a.attribution,
        hooks: loadHookLibrary(a.hookLibraryPath),
      },
      { creditUsd: config.kie.creditUsd, now, maxDays: opts.maxDays },
    ),
  );
}

export interface RenderedReport {
  index: string;
  /** Account id -> its page. */
  pages: Map<string, string>;
}

/** The index and the account pages, linked with `linkOf` (a file name, or a URL path). */
export function renderReport(reports: AccountReport[], linkOf: (accountId: string) => string, indexLink: string): RenderedReport {
  return {
    index: indexPage(reports, linkOf),
    pages: new Map(reports.map((r) => [r.account.id, accountPage(r, { index: indexLink })])),
  };
}

/** The pages as the trigger API serves them (/report and /report/:account), drawn afresh on every request. */
export function servedReport(db: () => Db, config: () => Pick<Config, 'accounts' | 'kie'>) {
  const linkOf = (id: string) => `/report/${id}`;
  return {
    index: () => renderReport(accountReports(db(), config()), linkOf, '/report').index,
    account(id: string): string | undefined {
      const account = config().accounts.find((a) => a.id === id);
      return account && renderReport(accountReports(db(), { ...config(), accounts: [account] }), linkOf, '/report').pages.get(id);
    },
  };
}
