import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that start a Temporal server of their own (test/helpers/own-server.ts; the fault
 * campaign has its own too). Every other file uses the one global-setup starts.
 */
const OWN_SERVER = [
  'test/faults/fault-campaign.test.ts',
  'test/commands.test.ts',
  'test/kie-resubmit.test.ts',
  'test/video-crash.test.ts',
  'test/deploy-check.test.ts', // it replays the server's most recent histories: they must be its own
  'test/ctrl-c.test.ts', // npm start with its embedded server, stopped by a Ctrl-C to its process group
];

/** The usual order (failed first, then slowest first), own-server files ahead: their lane starts at once. */
class OwnServerFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]) {
    const sorted = await super.sort(files);
    const own = (f: TestSpecification) => f.project.name === 'own-server';
    return [...sorted.filter(own), ...sorted.filter((f) => !own(f))];
  }
}

const common = {
  // The Temporal core bridge is a native addon: keep tests in forked processes, not threads.
  pool: 'forks' as const,
  // Each file waits for its lane's turn (test/helpers/turns.ts).
  setupFiles: ['test/helpers/take-turn.ts'],
  testTimeout: 120_000,
  hookTimeout: 180_000,
};

export default defineConfig({
  test: {
    // Two lanes of turns (test/helpers/turns.ts): the files on the shared Temporal server share its task
    // queues, so they run one at a time; the own-server files run one at a time beside them. A file
    // waits for its turn in a fork of its own, already imported: enough forks that every own-server
    // file can wait while the shared lane has one file at work and the next one ready.
    fileParallelism: true,
    maxWorkers: OWN_SERVER.length + 2,
    minWorkers: 1,
    sequence: { sequencer: OwnServerFirst },
    // Once per run; what they provide reaches every project.
    globalSetup: ['test/helpers/global-setup.ts', 'test/helpers/turns.ts'],
    projects: [
      {
        test: {
          ...common,
          name: 'shared-server',
          provide: { lane: 'shared-server' },
          include: ['test/**/*.test.ts'],
          // The production-topology tests run apart: npm run test:prod (vitest.prod.config.ts).
          exclude: ['test/prod/**', 'node_modules/**', ...OWN_SERVER],
        },
      },
      {
        test: {
          ...common,
          name: 'own-server',
          // No shared server here: a file that reaches for it fails at once instead of racing the other lane.
          provide: { lane: 'own-server', temporalAddress: '', temporalUiUrl: '' },
          include: OWN_SERVER,
        },
      },
    ],
  },
});
