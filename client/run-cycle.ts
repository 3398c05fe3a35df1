/**
 * Starts one adCycle for an account now and waits for it: the client side of `npm run cycle`. The
 * answer is one JSON-ready object: the cycle's result when it completed, or its root cause (type,
 * message, Graph code and subcode, stage) when it failed, never just "Activity task failed".
 */
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { manualWorkflowId, TaskQueues } from '../temporal-config/queues';
import { cycleMetadata } from '../temporal-config/cycle-metadata';
import { AdAccountIdKey } from '../temporal-config/search-attributes';
import { adCycleWorkflow } from '../workflows/ad-cycle';
import type { AdCycleInput } from '../workflows/ad-cycle-types';
import { describeCause, rootCause } from '../workflows/failure';

export interface RunCycleResult {
  ok: boolean;
  /** What `npm run cycle` prints, as one JSON line. */
  line: Record<string, unknown>;
}

/** Starts one manual cycle (id `ad-cycle-<account>-manual-<suffix>`), searchable by account, with its Web UI summary. */
export function startCycle(client: Client, input: AdCycleInput, o: { suffix?: string; startedBy: string }) {
  return client.workflow.start(adCycleWorkflow, {
    workflowId: manualWorkflowId(input.accountId, o.suffix ?? new Date().toISOString().replace(/[:.]/g, '-')),
    taskQueue: TaskQueues.orchestrator,
    args: [input],
    typedSearchAttributes: [{ key: AdAccountIdKey, value: input.accountId }],
    workflowExecutionTimeout: '30m',
    ...cycleMetadata({ ...input, adsPerRun: input.adsPerRun ?? 1, startedBy: o.startedBy }),
  });
}

export async function runCycle(client: Client, input: AdCycleInput, suffix = new Date().toISOString().replace(/[:.]/g, '-')): Promise<RunCycleResult> {
  const workflowId = manualWorkflowId(input.accountId, suffix);
  try {
    const handle = await startCycle(client, input, { suffix, startedBy: 'npm run cycle' });
    const result = await handle.result();
    return { ok: true, line: { workflowId, runId: handle.firstExecutionRunId, ...result, status: 'COMPLETED' } };
  } catch (err) {
    const cause = rootCause(err);
    const failure = err instanceof WorkflowFailedError ? (err.cause as { details?: unknown[] } | undefined)?.details?.[0] : undefined;
    const stage = (failure as { stage?: string } | undefined)?.stage;
    return { ok: false, line: { workflowId, status: 'FAILED', error: describeCause(cause), cause, ...(stage ? { stage } : {}) } };
  }
}
