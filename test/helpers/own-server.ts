/**
 * A Temporal dev server of one test file's own, brought up the way `npm start` brings one up (the
 * project's CLI, in memory, the project's search attributes). Its task queues are its own, so the
 * file runs beside the files on the shared server (vitest.config.ts lists such files in OWN_SERVER).
 */
import { ensureTemporalServer, freePort, type RunningServer } from '../../scripts/temporal-server';

export async function startOwnTemporalServer(): Promise<RunningServer> {
  return ensureTemporalServer({ address: `127.0.0.1:${await freePort()}`, namespace: 'default', startEmbedded: true });
}
