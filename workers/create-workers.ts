/**
 * One Worker per task queue, each with its own concurrency and rate limit. A process may run one
 * group (`npm run worker:<group>`) or all of them (`npm start`); the wiring is the same.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/env';
import { TaskQueues } from '../temporal-config/queues';
import type { buildActivities } from './deps';

export const GROUPS = ['orchestrator', 'insights', 'images', 'video', 'campaign'] as const;
export type Group = (typeof GROUPS)[number];

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export async function createWorker(
  group: Group,
  connection: NativeConnection,
  config: Config,
  activities: () => ReturnType<typeof buildActivities>,
  extra: { workflowBundle?: { code: string } } = {},
): Promise<Worker> {
  const common = { connection, namespace: config.temporal.namespace, shutdownGraceTime: '30s', identity: `${group}@${process.pid}` };
  switch (group) {
    case 'orchestrator':
      return Worker.create({
        ...common,
        taskQueue: TaskQueues.orchestrator,
        ...(extra.workflowBundle ? { workflowBundle: extra.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
      });
    case 'insights':
      return Worker.create({
        ...common,
        taskQueue: TaskQueues.insights,
        activities: activities().insights,
        maxConcurrentActivityTaskExecutions: config.workers.insights.concurrency,
      });
    case 'images':
      return Worker.create({
        ...common,
        taskQueue: TaskQueues.images,
        activities: activities().images,
        maxConcurrentActivityTaskExecutions: config.workers.images.concurrency,
        // Server-side limit for the whole queue, whatever the number of image workers: Kie allows 20 creates / 10 s.
        maxTaskQueueActivitiesPerSecond: config.workers.images.ratePerSecond,
      });
    case 'video':
      return Worker.create({
        ...common,
        taskQueue: TaskQueues.video,
        activities: activities().video,
        // Mostly idle waits: many slots, no queue rate (Kie's create limit is enforced by its 429s).
        maxConcurrentActivityTaskExecutions: config.workers.video.concurrency,
      });
    case 'campaign':
      return Worker.create({
        ...common,
        taskQueue: TaskQueues.campaign,
        activities: activities().campaign,
        maxConcurrentActivityTaskExecutions: config.workers.campaign.concurrency,
        maxTaskQueueActivitiesPerSecond: config.workers.campaign.ratePerSecond,
      });
  }
}
