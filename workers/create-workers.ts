/**
 * One Worker per task queue, each with its own concurrency and rate limit. A process may run one
 * group (`npm run worker:<group>`) or all of them (`npm start`); the wiring is the same.
 */
import { bundleWorkflowCode, DefaultLogger, type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/env';
import { TaskQueues } from '../temporal-config/queues';
import { accountInActivityLogs } from './activity-context';
import type { buildActivities } from './deps';

export const GROUPS = ['orchestrator', 'analysis', 'images', 'video', 'campaign'] as const;
export type Group = (typeof GROUPS)[number];

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

type Activities = ReturnType<typeof buildActivities>;
type Extra = { workflowBundle?: { code: string } };

/**
 * The workflow bundle, built once per process and shared by its workers. Webpack's build report is
 * kept out of the info-level log (only warnings and errors of the build are shown).
 */
export function buildWorkflowBundle(workflowsPath = WORKFLOWS_PATH): Promise<{ code: string }> {
  return bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
}

/** What differs between the groups' workers; everything else is common (see createWorker). */
interface GroupSpec {
  taskQueue: string;
  /** The group's activities; none for the orchestrator, which runs the workflows. */
  activities?: (all: Activities) => object;
  options: (config: Config, extra: Extra) => Partial<WorkerOptions>;
}

const GROUP_SPECS: Record<Group, GroupSpec> = {
  orchestrator: {
    taskQueue: TaskQueues.orchestrator,
    options: (_config, extra) => ({ workflowBundle: extra.workflowBundle }),
  },
  analysis: {
    taskQueue: TaskQueues.analysis,
    activities: (all) => all.analysis,
    options: (config) => ({ maxConcurrentActivityTaskExecutions: config.workers.analysis.concurrency }),
  },
  images: {
    taskQueue: TaskQueues.images,
    activities: (all) => all.images,
    options: (config) => ({
      maxConcurrentActivityTaskExecutions: config.workers.images.concurrency,
      // Server-side limit for the whole queue, whatever the number of image workers: Kie allows 20 creates / 10 s.
      maxTaskQueueActivitiesPerSecond: config.workers.images.ratePerSecond,
    }),
  },
  video: {
    taskQueue: TaskQueues.video,
    activities: (all) => all.video,
    // Mostly idle waits: many slots, no queue rate (Kie's create limit is enforced by its 429s).
    options: (config) => ({ maxConcurrentActivityTaskExecutions: config.workers.video.concurrency }),
  },
  campaign: {
    taskQueue: TaskQueues.campaign,
    activities: (all) => all.campaign,
    options: (config) => ({
      maxConcurrentActivityTaskExecutions: config.workers.campaign.concurrency,
      maxTaskQueueActivitiesPerSecond: config.workers.campaign.ratePerSecond,
    }),
  },
};

export async function createWorker(
  group: Group,
  connection: NativeConnection,
  config: Config,
  activities: () => Activities,
  extra: Extra = {},
): Promise<Worker> {
  const spec = GROUP_SPECS[group];
  if (group === 'orchestrator' && !extra.workflowBundle) extra = { ...extra, workflowBundle: await buildWorkflowBundle() };
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    // The payload codec (encryption) when configured; it runs here, outside the workflow sandbox.
    dataConverter: config.temporal.dataConverter,
    shutdownGraceTime: '30s',
    identity: `${group}@${process.pid}`,
    taskQueue: spec.taskQueue,
    // Built only for groups that run activities, so an orchestrator-only process never opens the DB.
    ...(spec.activities ? { activities: spec.activities(activities()), interceptors: { activity: [accountInActivityLogs] } } : {}),
    ...spec.options(config, extra),
  });
}
