/**
 * Starts ONE real Temporal dev server for the whole test run (the binary the project installs,
 * never the SDK's download), registers the search attributes, and hands its address to the test
 * files. An already running server can be used instead by setting TEST_TEMPORAL_ADDRESS.
 */
import type { TestProject } from 'vitest/node';
import { ensureTemporalServer, freePort } from '../../scripts/temporal-server';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}

export default async function setup(project: TestProject) {
  const address = process.env.TEST_TEMPORAL_ADDRESS ?? `127.0.0.1:${await freePort()}`;
  const server = await ensureTemporalServer({ address, namespace: 'default', startEmbedded: true });
  project.provide('temporalAddress', address);
  return async () => {
    await server.stop();
  };
}
