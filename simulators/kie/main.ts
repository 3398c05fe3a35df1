/**
 * Runs the Kie.ai simulator as a standalone process:
 *   npx tsx simulators/kie/main.ts
 * KIE_SIM_PORT (default 8789) and KIE_SIM_TIME_SCALE (default 1) are read here because this
 * entry point is a dev tool outside the agent's config module; all behaviour lives in index.ts.
 */
import pino from 'pino';
import { startKieSimulator } from './index';

async function main(): Promise<void> {
  const logger = pino({ name: 'kie-sim' });
  const port = Number(process.env.KIE_SIM_PORT ?? 8789);
  const timeScale = Number(process.env.KIE_SIM_TIME_SCALE ?? 1);
  const sim = await startKieSimulator({ port, timeScale, logger, host: process.env.KIE_SIM_HOST ?? '127.0.0.1' });
  logger.info({ url: sim.url, apiKey: 'sim-kie-key' }, 'Kie simulator ready');
  console.log(`Kie simulator listening on ${sim.url}`);
  const stop = () => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
