/**
 * npm run report -- --out FILE [--account act_...] [--days N]
 *
 * Writes the index over accounts to FILE and one page per account beside it
 * (FILE's name + "-<account>.html"). Every page is self-contained HTML (ECharts inlined): it opens
 * with no network. Reads the performance DB at DB_PATH / DATA_DIR; Temporal is not needed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/env';
import { openDb } from '../db/client';
import { HookLibraryError } from '../learning';
import { accountReports, renderReport } from './reports';

function main() {
  const { values } = parseArgs({ options: { out: { type: 'string' }, account: { type: 'string' }, days: { type: 'string' } } });
  if (!values.out) throw new ConfigError(['--out: the file to write the report to, e.g. --out report/index.html']);
  const days = values.days === undefined ? undefined : Number(values.days);
  if (days !== undefined && !(Number.isInteger(days) && days > 0)) throw new ConfigError([`--days: a whole number of days above 0, got ${values.days}`]);
  const config = loadConfig();
  const accounts = values.account ? config.accounts.filter((a) => a.id === values.account) : config.accounts;
  if (!accounts.length) throw new ConfigError([`--account: ${values.account} is not configured (known: ${config.accounts.map((a) => a.id).join(', ')})`]);

  const db = openDb(config.dbPath);
  try {
    const out = path.resolve(values.out);
    const stem = path.basename(out, path.extname(out));
    const fileOf = (id: string) => `${stem}-${id}.html`;
    const reports = accountReports(db, { ...config, accounts }, { maxDays: days });
    const rendered = renderReport(reports, fileOf, path.basename(out));
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, rendered.index);
    const written = [out];
    for (const [id, html] of rendered.pages) {
      const file = path.join(path.dirname(out), fileOf(id));
      writeFileSync(file, html);
      written.push(file);
    }
    console.log(
      JSON.stringify({
        written,
        accounts: reports.map((r) => ({ id: r.account.id, days: r.days.length, hooks: r.leaderboard.length, decisions: r.decisions.length })),
      }),
    );
  } finally {
    db.$client.close();
  }
}

try {
  main();
} catch (err) {
  if (err instanceof ConfigError || err instanceof HookLibraryError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
