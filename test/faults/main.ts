/**
 * npm run test:faults [-- --cycles 200 --accounts 3 --seed S --no-process-faults]
 * The full fault campaign (test/faults/campaign.ts): prints the faults by kind, the outcomes, the
 * invariants, and as its last line `faults: <cycles> cycles, <accounts> accounts, <faults> faults
 * injected, <violations> violations`. Exits 1 when any invariant is violated.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { parseArgs } from 'node:util';
import { printReport, runCampaign, totalViolations } from './campaign';

const { values } = parseArgs({
  options: {
    cycles: { type: 'string', default: '200' },
    accounts: { type: 'string', default: '3' },
    seed: { type: 'string', default: 'campaign-1' },
    'no-process-faults': { type: 'boolean', default: false },
  },
});
Runtime.install({ logger: new DefaultLogger('ERROR') });
const report = await runCampaign({
  cycles: Number(values.cycles),
  accounts: Number(values.accounts),
  seed: values.seed,
  processFaults: !values['no-process-faults'],
  log: (m) => console.error(m),
});
printReport(report);
process.exit(totalViolations(report) ? 1 : 0);
