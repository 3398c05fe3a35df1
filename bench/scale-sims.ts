/**
 * Child process of the scale benchmark (bench/scale.ts): the Kie.ai and Meta simulators in their
 * own process, so their CPU and memory are measured apart from the agent's. One pair per set given
 * as JSON in argv[2] (the benchmark runs a pair with scaled latencies and a zero-latency pair).
 * Prints one JSON line `{"ready":true}` once every simulator listens; SIGTERM closes them.
 */
import { startKieSimulator } from '../simulators/kie';
import { startMetaSimulator, type RateLimitOptions } from '../simulators/meta';

/** One Meta + Kie pair and how it behaves. Every duration here is already divided by the time scale. */
export interface SimSet {
  name: string;
  metaPort: number;
  kiePort: number;
  /** Both simulators' time scale: documented durations (image states, Veo, Meta video processing, review) are divided by it. */
  timeScale: number;
  adAccounts: string[];
  /** Real ms per Graph request; absent = none. */
  metaLatencyMs?: [number, number];
  /** Real ms per Kie request; absent = none. */
  kieLatencyMs?: [number, number];
  /** true: image tasks finish at once and Kie has no rate limits (the zero-latency pair: it measures orchestration, not the APIs). */
  instantImages?: boolean;
  metaRateLimit: RateLimitOptions;
  kieCredits: number;
  /** Each Meta simulator its own seed: object ids come from it, and both pairs' ids end up in one agent DB. */
  seed: number;
}

async function main() {
  const sets = JSON.parse(process.argv[2] ?? '[]') as SimSet[];
  const closers: Array<() => Promise<void>> = [];
  for (const s of sets) {
    const meta = await startMetaSimulator({
      port: s.metaPort,
      timeScale: s.timeScale,
      adAccounts: s.adAccounts,
      rateLimit: s.metaRateLimit,
      seed: s.seed,
      ...(s.metaLatencyMs ? { latencyMs: s.metaLatencyMs } : {}),
    });
    const kie = await startKieSimulator({
      port: s.kiePort,
      timeScale: s.timeScale,
      apiKeys: { 'sim-kie-key': s.kieCredits },
      seed: s.seed,
      ...(s.kieLatencyMs ? { latencyMs: s.kieLatencyMs } : {}),
      ...(s.instantImages ? { imageStateDelaysMs: { waiting: [0, 0], queuing: [0, 0], generating: [0, 0] }, rateLimits: false as const } : {}),
    });
    closers.push(
      () => meta.close(),
      () => kie.close(),
    );
  }
  console.log(JSON.stringify({ ready: true }));
  const stop = () => void Promise.all(closers.map((c) => c())).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
