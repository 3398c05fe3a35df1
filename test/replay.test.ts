/**
 * Replays the committed histories (recorded from real runs, see record-histories.test.ts) against the
 * current workflow code: a change that would break running cycles fails here, before deployment.
 */
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOWS_PATH } from '../workers/create-workers';

const DIR = fileURLToPath(new URL('./histories/', import.meta.url));
const load = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ workflowId: f.replace(/\.json$/, ''), history: historyFromJSON(JSON.parse(readFileSync(dir + f, 'utf8'))) }));

beforeAll(() => {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // already installed in this process
  }
});

async function replay(histories: ReturnType<typeof load>) {
  const results: Array<{ workflowId: string; error?: unknown }> = [];
  for await (const r of Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH }, histories)) results.push(r);
  return results;
}

describe('workflow replay', () => {
  it('replays every committed history of real cycles without nondeterminism', async () => {
    const histories = load(DIR);
    expect(histories.length).toBeGreaterThanOrEqual(3);
    const results = await replay(histories);
    for (const r of results) expect(r.error, r.workflowId).toBeUndefined();
  });

  it('rejects a deliberately incompatible history (the harness can fail)', async () => {
    const histories = load(`${DIR}incompatible/`);
    expect(histories.length).toBeGreaterThanOrEqual(1);
    const results = await replay(histories);
    for (const r of results) {
      expect(r.error, r.workflowId).toBeDefined();
      expect(String((r.error as Error).name ?? r.error)).toMatch(/DeterminismViolation/);
    }
  });
});
