/**
 * npm run cycles -- list [--account act_...] [--limit N]     recent cycles with outcome, ads launched and cost
 * npm run cycles -- status <workflowId>                     one cycle: its stage and slots while it runs,
 *                                                           its result (or root cause) once it ended
 * npm run cycles -- approve|reject <workflowId> <slot> [--by NAME] [--reason TEXT]
 *                                                           decide on a creative waiting at the approval gate
 * Reads Temporal only (visibility, queries, results), on the server at TEMPORAL_ADDRESS.
 */
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/env';
import { WORKFLOW_TYPE } from '../temporal-config/queues';
import { decideLaunchUpdate, statusQuery } from '../workflows/ad-cycle';
import type { AdCycleResult } from '../workflows/ad-cycle-types';
import { describeCause, rootCause } from '../workflows/failure';

async function list(client: Client, account: string | undefined, limit: number) {
  const query = `WorkflowType = '${WORKFLOW_TYPE}'${account ? ` AND AdAccountId = '${account}'` : ''}`;
  const rows: Array<Record<string, unknown>> = [];
  for await (const w of client.workflow.list({ query })) {
    const sa = w.searchAttributes as Record<string, unknown[] | undefined>;
    const row: Record<string, unknown> = {
      workflowId: w.workflowId,
      status: w.status.name,
      account: sa.AdAccountId?.[0],
      outcome: sa.CycleOutcome?.[0],
      adsLaunched: sa.AdsLaunched?.[0],
      daySpendUsd: sa.DaySpendUsd?.[0],
      startTime: w.startTime.toISOString(),
    };
    if (w.status.name === 'COMPLETED') {
      // What it cost: Kie generation (USD) and what Meta reported spent over the insights window (cents).
      try {
        const result = (await client.workflow.getHandle(w.workflowId, w.runId).result()) as AdCycleResult;
        Object.assign(row, { generationCostUsd: result.generationCostUsd, insightsSpendCents: result.insights.spendCents });
      } catch (err) {
        // A result this client cannot read (encrypted with a key it lacks, say) must not hide the other rows.
        row.resultUnreadable = (err as Error).message;
      }
    }
    rows.push(row);
    if (rows.length >= limit) break;
  }
  return rows;
}

async function status(client: Client, workflowId: string) {
  const handle = client.workflow.getHandle(workflowId);
  const desc = await handle.describe();
  if (desc.status.name === 'RUNNING') return { workflowId, runStatus: 'RUNNING', ...(await handle.query(statusQuery)) };
  try {
    const result = await handle.result();
    return { workflowId, runStatus: desc.status.name, ...result };
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    const cause = rootCause(err);
    return { workflowId, runStatus: desc.status.name, error: describeCause(cause), cause };
  }
}

/** Approves or rejects slot `slot` of a cycle; the update answers the cycle's status, or why it was refused. */
async function decide(client: Client, workflowId: string, slot: number, approve: boolean, by?: string, reason?: string) {
  const status = await client.workflow
    .getHandle(workflowId)
    .executeUpdate(decideLaunchUpdate, { args: [{ slot, approve, ...(by ? { by } : {}), ...(reason ? { reason } : {}) }] });
  return status.slots.find((s) => s.slot === slot);
}

async function main() {
  const { values, positionals } = parseArgs({
    options: { account: { type: 'string' }, limit: { type: 'string' }, by: { type: 'string' }, reason: { type: 'string' } },
    allowPositionals: true,
  });
  const [op, id, slot] = positionals;
  const deciding = (op === 'approve' || op === 'reject') && id && /^\d+$/.test(slot ?? '');
  if (op !== 'list' && !(op === 'status' && id) && !deciding) {
    console.error(
      'usage: npm run cycles -- list [--account act_...] [--limit N] | status <workflowId> | approve|reject <workflowId> <slot> [--by NAME] [--reason TEXT]',
    );
    process.exit(2);
  }
  const config = loadConfig();
  const connection = await Connection.connect({ address: config.temporal.address });
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: config.temporal.dataConverter });
    const out =
      op === 'list'
        ? await list(client, values.account, Number(values.limit ?? 20))
        : deciding
          ? await decide(client, id!, Number(slot), op === 'approve', values.by ?? process.env.USER, values.reason)
          : await status(client, id!);
    console.log(JSON.stringify(out, null, 2));
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : (err as Error).message);
  process.exit(1);
});
