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
    /** The dev server's Web UI (for the browser test); empty with TEST_TEMPORAL_ADDRESS. */
    temporalUiUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.TEST_TEMPORAL_ADDRESS) {
    await ensureSearchAttributes(process.env.TEST_TEMPORAL_ADDRESS, 'default');
    project.provide('temporalAddress', process.env.TEST_TEMPORAL_ADDRESS);
    project.provide('temporalUiUrl', process.env.TEST_TEMPORAL_UI_URL ?? '');
    return;
  }
  const uiPort = await freePort();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      // The Web UI too, so a test can look at cycles the way users do.
      ui: true,
      uiPort,
      executable: { type: 'existing-path', path: resolveTemporalCli() },
      ip: '127.0.0.1',
      port: await freePort(),
      searchAttributes: [...ALL_SEARCH_ATTRIBUTES],
    },
  });
  project.provide('temporalAddress', env.address);
  project.provide('temporalUiUrl', `http://127.0.0.1:${uiPort}`);
  return async () => {
    await env.teardown();
  };
}
