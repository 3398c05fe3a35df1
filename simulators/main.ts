/**
 * npm run simulators: the Kie.ai and Meta simulators in one process, on the ports and time scale of
 * the agent's config (KIE_SIM_PORT, META_SIM_PORT, SIM_TIME_SCALE), for workers run as separate
 * processes (`npm run worker:<group>`). `npm start` and `npm run cycle` start them by themselves.
 */
import path from 'node:path';
import { loadConfig } from '../config/env';
import { startKieSimulator } from './kie';
import { startMetaSimulator } from './meta';

async function main() {
  const config = loadConfig();
  // Every configured account without a token is served here, with its page and audiences.
  const simulated = config.accounts.filter((a) => a.meta.mode === 'simulator');
  const meta = await startMetaSimulator({
    port: config.meta.simPort,
    host: config.kie.simHost,
    timeScale: config.simTimeScale,
    stateFile: path.join(config.dataDir, 'meta-simulator.json'),
    ...(simulated.length
      ? {
          adAccounts: simulated.map((a) => a.id),
          pageIds: [...new Set(simulated.map((a) => a.pageId))],
          customAudienceIds: [...new Set(simulated.flatMap((a) => a.customAudienceIds))],
        }
      : {}),
  });
  const kie = await startKieSimulator({
    port: config.kie.simPort,
    host: config.kie.simHost,
    publicUrl: config.kie.simPublicUrl,
    timeScale: config.simTimeScale,
  });
  console.log(`Meta Graph API simulator: ${meta.url}  (token sim-meta-token)`);
  console.log(`Kie.ai simulator:         ${kie.url}  (key sim-kie-key)`);
  const stop = () => void Promise.all([meta.close(), kie.close()]).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error((err as Error).message);
  process.exit(1);
});
