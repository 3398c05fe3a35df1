/**
 * Runs a command as a separate process, the way a user runs it, and collects what it printed.
 *
 * Why this exists: many tests run a command (`npm run cycle`, the report, the deploy check, a README
 * line in bash) while the simulators or Temporal workers it talks to run inside the test process
 * itself. spawnSync would freeze them for as long as the command runs, so the child is awaited
 * instead; and the spawn / collect output / kill on timeout / wait for the exit code boilerplate
 * lives here once rather than in every test file.
 */
import { spawn } from 'node:child_process';
import { freePort } from '../../scripts/temporal-server';

export interface RunOptions {
  /** Added to this process's environment (the child sees both, these winning). */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** SIGKILL the child after this long; without it, the test's own timeout is the limit. */
  timeoutMs?: number;
}

export interface RunResult {
  /** Exit code, as spawnSync names it; null when a signal ended the process. */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to the close of its output. */
  ms: number;
}

export function runProcess(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env } });
    let stdout = '';
    let stderr = '';
    // Decoded as a stream, so a character split across two chunks arrives whole.
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, ms: Math.round(performance.now() - started) });
    });
  });
}

/**
 * Free ports, as environment variables, for every local service an agent process opens (the two
 * simulators, the Kie callback, the HTTP API, metrics, the Web UI), so it never meets another's.
 */
export async function agentPorts(): Promise<Record<string, string>> {
  const names = ['META_SIM_PORT', 'KIE_SIM_PORT', 'CALLBACK_PORT', 'API_PORT', 'METRICS_PORT', 'TEMPORAL_UI_PORT'];
  const ports: Record<string, string> = {};
  for (const name of names) ports[name] = String(await freePort());
  return ports;
}
