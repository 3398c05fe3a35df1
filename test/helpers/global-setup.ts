/**
 * Starts ONE real Temporal dev server for the whole test run through the SDK's test environment,
 * given the CLI binary the project installs as an existing path (never the SDK's download, which
 * needs the internet), with the project's search attributes, and hands its address to the test
 * files. An already running server can be used instead by setting TEST_TEMPORAL_ADDRESS.
 * It also builds the workflow bundle once for the run, while the server starts (see
 * workflow-bundle.ts), so the test files do not each spend seconds in webpack on the same code.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { resolveTemporalCli } from '../../scripts/temporal-cli';
import { ensureSearchAttributes, freePort } from '../../scripts/temporal-server';
import { ALL_SEARCH_ATTRIBUTES } from '../../temporal-config/search-attributes';
import { buildWorkflowBundle } from '../../workers/create-workers';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    /** The dev server's Web UI (for the browser test); empty with TEST_TEMPORAL_ADDRESS. */
    temporalUiUrl: string;
    /** The file holding the run's workflow bundle (read by workflow-bundle.ts). */
    workflowBundlePath: string;
  }
}

/** Builds the run's workflow bundle into a temp file; returns the file and its clean-up. */
async function writeWorkflowBundle() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maa-bundle-'));
  const file = path.join(dir, 'workflow-bundle.js');
  writeFileSync(file, (await buildWorkflowBundle()).code);
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export default async function setup(project: TestProject) {
  const bundling = writeWorkflowBundle();
  bundling.catch(() => undefined); // awaited below; a failed server start is the error to report
  if (process.env.TEST_TEMPORAL_ADDRESS) {
    await ensureSearchAttributes(process.env.TEST_TEMPORAL_ADDRESS, 'default');
    project.provide('temporalAddress', process.env.TEST_TEMPORAL_ADDRESS);
    project.provide('temporalUiUrl', process.env.TEST_TEMPORAL_UI_URL ?? '');
    const bundle = await bundling;
    project.provide('workflowBundlePath', bundle.file);
    return bundle.remove;
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
  const bundle = await bundling.catch(async (err: unknown) => {
    await env.teardown();
    throw err;
  });
  project.provide('workflowBundlePath', bundle.file);
  return async () => {
    bundle.remove();
    await env.teardown();
  };
}
