/**
 * Starts ONE real Temporal dev server for the whole test run through the SDK's test environment,
 * given the CLI binary the project installs as an existing path (never the SDK's download, which
 * needs the internet), with the project's search attributes, and hands its address to the test
 * files. An already running server can be used instead by setting TEST_TEMPORAL_ADDRESS.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { resolveTemporalCli } from '../../scripts/temporal-cli';
import { ensureSearchAttributes, freePort } from '../../scripts/temporal-server';
import { ALL_SEARCH_ATTRIBUTES } from '../../temporal-config/search-attributes';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.TEST_TEMPORAL_ADDRESS) {
    await ensureSearchAttributes(process.env.TEST_TEMPORAL_ADDRESS, 'default');
    project.provide('temporalAddress', process.env.TEST_TEMPORAL_ADDRESS);
    return;
  }
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: resolveTemporalCli() },
      ip: '127.0.0.1',
      port: await freePort(),
      searchAttributes: [...ALL_SEARCH_ATTRIBUTES],
    },
  });
  project.provide('temporalAddress', env.address);
  return async () => {
    await env.teardown();
  };
}
