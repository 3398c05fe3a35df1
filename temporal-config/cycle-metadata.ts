/**
 * The static summary and details a cycle is started with, shown at the top of its page in the
 * Temporal Web UI (User Metadata): which account, how many launches, which policy, whether
 * launches wait for approval. Built the same way by the schedule, `npm run cycle` and the API.
 */
export interface CycleMetadataInput {
  accountId: string;
  adsPerRun: number;
  policy?: string;
  format?: string;
  launchesPaused?: boolean;
  approval?: { timeout: string; onTimeout: string };
  startedBy: string;
}

export function cycleMetadata(m: CycleMetadataInput): { staticSummary: string; staticDetails: string } {
  return {
    staticSummary: `Ad cycle for ${m.accountId}: up to ${m.adsPerRun} launch(es)${m.format ? ` (${m.format})` : ''}, started by ${m.startedBy}`,
    staticDetails: [
      `**Account** ${m.accountId}`,
      `**Launches wanted** ${m.adsPerRun}${m.format ? `, all ${m.format}` : ''}`,
      `**Policy** ${m.policy ?? 'thompson-changepoint (default)'}`,
      `**Launches** ${m.launchesPaused ? 'paused at start' : 'allowed'}`,
      `**Approval gate** ${m.approval ? `on: waits ${m.approval.timeout}, then ${m.approval.onTimeout}` : 'off'}`,
    ].join('\n\n'),
  };
}
