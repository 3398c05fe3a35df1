/**
 * The fast part of the fault campaign in `npm test`: a few dozen cycles over three accounts with
 * seeded Meta, Kie and callback faults and one round of process faults (a worker SIGKILLed, the
 * server restarted, the DB locked), then every invariant checked against the simulators' records.
 * The full campaign is `npm run test:faults`.
 */
import { describe, expect, it } from 'vitest';
import { printReport, runCampaign, totalViolations } from './campaign';

describe('fault campaign (fast part)', () => {
  it('breaks no invariant over seeded faults', async () => {
    const report = await runCampaign({ cycles: 12, accounts: 3, seed: 'npm-test', processFaults: true });
    const lines: string[] = [];
    printReport(report, (l) => lines.push(l));
    console.log(lines.join('\n'));
    expect(report.cycles).toBe(12);
    expect(report.faultsInjected).toBeGreaterThan(5);
    expect(report.violationDetails).toEqual([]);
    expect(totalViolations(report)).toBe(0);
  }, 600_000);
});
