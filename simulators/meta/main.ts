// Runnable entry: `npx tsx simulators/meta/main.ts` (port from META_SIM_PORT, default 8788).
// The project's own start script imports startMetaSimulator directly; this file only wires env
// and signals. Other options come from META_SIM_TIME_SCALE and META_SIM_SEED when set.
import { startMetaSimulator } from './index';

async function main(): Promise<void> {
  const port = Number(process.env.META_SIM_PORT ?? 8788);
  const timeScale = process.env.META_SIM_TIME_SCALE ? Number(process.env.META_SIM_TIME_SCALE) : undefined;
  const seed = process.env.META_SIM_SEED ? Number(process.env.META_SIM_SEED) : undefined;
  const sim = await startMetaSimulator({ port, host: process.env.META_SIM_HOST ?? '127.0.0.1', timeScale, seed });
  console.log(`Meta simulator listening on ${sim.url} (e.g. ${sim.url}/v26.0/act_1234567890/campaigns, token sim-meta-token)`);
  const stop = () => {
    void sim.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error('Meta simulator failed to start', e);
  process.exit(1);
});
