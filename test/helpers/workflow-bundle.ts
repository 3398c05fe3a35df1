/**
 * The workflow bundle for the test files' orchestrator Workers. Webpack takes seconds per build, so
 * global-setup builds it once for the whole run (with the same function the workers use) and writes
 * it to a file; each test file reads that file instead of bundling the same code again. Without a
 * global setup (another config), it is built here, once per process.
 */
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { buildWorkflowBundle } from '../../workers/create-workers';

let bundle: Promise<{ code: string }> | undefined;

export function workflowBundle(): Promise<{ code: string }> {
  const file = inject('workflowBundlePath');
  bundle ??= file ? Promise.resolve({ code: readFileSync(file, 'utf8') }) : buildWorkflowBundle();
  return bundle;
}
