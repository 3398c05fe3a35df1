/**
 * Video-cycle benchmark: runs N video cycles concurrently on a private embedded Temporal server,
 * the simulators and real workers, and prints the median time from cycle start to a launched video
 * ad and the number of Kie tasks per launched video (which must be exactly 1).
 *
 *   npm run bench:video -- [--cycles 5] [--time-scale 1]
 *
 * --time-scale divides every simulated delay (Veo generation 60-120 s, Meta video processing
 * 20-120 s, review...) so a quick run is possible; 1 = the documented durations.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/env';
import { startLocalStack } from '../workers/local-stack';
import { freePort } from '../scripts/temporal-server';
import { manualWorkflowId, TaskQueues } from '../temporal-config/queues';
import { installTemporalLogging, makeLogger } from '../workers/logger';
import { adCycleWorkflow } from '../workflows/ad-cycle';

async function main() {
  const { values } = parseArgs({ options: { cycles: { type: 'string', default: '5' }, 'time-scale': { type: 'string', default: '1' } } });
  const cycles = Number(values.cycles);
  const timeScale = Number(values['time-scale']);
  const config = loadConfig(
    {
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'maa-bench-')),
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
      META_SIM_PORT: String(await freePort()),
      KIE_SIM_PORT: String(await freePort()),
      CALLBACK_PORT: String(await freePort()),
      SIM_TIME_SCALE: String(timeScale),
      MAX_LIVE_ADS: '100',
      TOTAL_DAILY_SPEND_CAP: '1000000',
      LOG_LEVEL: 'error',
    },
    { dotenvPath: false },
  );
  installTemporalLogging(makeLogger('error'), 'error');
  const stack = await startLocalStack(config, { ui: false, log: () => {} });
  const started = Date.now();
  try {
    const runs = await Promise.all(
      Array.from({ length: cycles }, async (_, i) => {
        const t0 = Date.now();
        const handle = await stack.client.workflow.start(adCycleWorkflow, {
          workflowId: manualWorkflowId(config.account.id, `bench-video-${started}-${i}`),
          taskQueue: TaskQueues.orchestrator,
          args: [{ accountId: config.account.id, adsPerRun: 1, format: 'video' }],
        });
        const result = await handle.result();
        return { seconds: (Date.now() - t0) / 1000, result };
      }),
    );
    const state = (await (await fetch(`http://127.0.0.1:${config.kie.simPort}/__sim/state`)).json()) as { tasks: Array<{ family: string }> };
    const veoTasks = state.tasks.filter((t) => t.family === 'veo').length;
    const launched = runs.filter((r) => r.result.slots[0]?.status === 'launched');
    const times = launched.map((r) => r.seconds).sort((a, b) => a - b);
    const median = times.length ? (times[(times.length - 1) >> 1]! + times[times.length >> 1]!) / 2 : NaN;
    const endedBy = launched.map((r) => r.result.slots[0]!.videoWaitEndedBy);
    console.log(`video cycles: ${cycles} concurrent, simulator time scale ${timeScale} (1 = documented Veo/Meta durations)`);
    console.log(`launched video ads: ${launched.length}/${cycles}`);
    console.log(`cycle start -> launched video ad: median ${median.toFixed(1)} s, min ${times[0]?.toFixed(1)} s, max ${times.at(-1)?.toFixed(1)} s`);
    console.log(`Kie Veo tasks: ${veoTasks} -> ${(veoTasks / Math.max(1, launched.length)).toFixed(2)} per launched video`);
    console.log(`wait ended by: ${endedBy.filter((e) => e === 'callback').length} callback, ${endedBy.filter((e) => e === 'polling').length} polling`);
    if (launched.length !== cycles || veoTasks !== launched.length) process.exitCode = 1;
  } finally {
    await stack.shutdown();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
