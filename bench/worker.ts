/**
 * Worker-thread entry of HookBench: receives batches of instance tasks, runs them, posts results.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadHookLibrary } from '../learning/hook-library';
import { runInstance, type InstanceTask } from './run-instance';

const { libraryPath, hookCount } = workerData as { libraryPath: string; hookCount: number };
const hooks = loadHookLibrary(libraryPath).slice(0, hookCount);

parentPort!.on('message', (tasks: InstanceTask[] | null) => {
  if (tasks === null) {
    parentPort!.close();
    return;
  }
  parentPort!.postMessage(tasks.map((t) => runInstance(t, hooks)));
});
