/**
 * `npm start` stopped with Ctrl-C, as a terminal sends it: SIGINT to the whole foreground process
 * group. The embedded Temporal server runs in a group of its own, so it keeps serving while the
 * workers drain (an activity that finishes then still reports its result) and is stopped by the
 * agent afterwards, leaving nothing behind. The same for a closed terminal (SIGHUP to the group).
 * A second Ctrl-C more than a second later means "stop now": the server is stopped without waiting
 * for the workers, and still nothing is left behind.
 */
import { Client, Connection } from '@temporalio/client';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { alive } from '../scripts/prod-stack';
import { canConnect, freePort } from '../scripts/temporal-server';
import { agentPorts } from './helpers/process';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const pgid = (pid: number) => Number(spawnSync('ps', ['-o', 'pgid=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim());

/** `npm start` with its own ports and data dir, as a shell runs it: a foreground job, a process group of its own (npm, tsx and the agent) whose pid is npm's. */
async function startAgent(extraEnv: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maa-ctrl-c-'));
  const port = await freePort();
  const env = { ...process.env, TEMPORAL_ADDRESS: `127.0.0.1:${port}`, DATA_DIR: dir, ...(await agentPorts()), LOG_LEVEL: 'info', ...extraEnv };
  const agent = spawn('npm', ['start'], { cwd: ROOT, env, detached: true });
  const out = { log: '' };
  agent.stdout.on('data', (d: Buffer) => (out.log += d.toString()));
  agent.stderr.on('data', (d: Buffer) => (out.log += d.toString()));
  // 'close' comes when every process holding the output has ended: npm, tsx and the agent.
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => agent.once('close', (code, signal) => r({ code, signal })));
  let serverPid = 0;
  return {
    agent,
    port,
    out,
    get serverPid() {
      return serverPid;
    },
    /** Waits for 'agent running', finds the embedded server and checks it is outside the agent's group. */
    async running() {
      await expect.poll(() => out.log.includes('agent running'), { timeout: 90_000, interval: 500 }).toBe(true);
      const found = spawnSync('pgrep', ['-f', `start-dev .*--port ${port} `], { encoding: 'utf8' })
        .stdout.trim()
        .split('\n')
        .filter(Boolean);
      expect(found, 'one embedded server for this port').toHaveLength(1);
      serverPid = Number(found[0]);
      expect(pgid(agent.pid!)).toBe(agent.pid);
      expect(pgid(serverPid), 'the server is outside the group a Ctrl-C reaches').not.toBe(agent.pid);
    },
    /** Polls the server until `ready` holds for some running or finished workflow. */
    async until(ready: (client: Client) => Promise<boolean>, timeout = 30_000) {
      const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
      try {
        const client = new Client({ connection });
        await expect.poll(() => ready(client), { timeout, interval: 250 }).toBe(true);
      } finally {
        await connection.close();
      }
    },
    ended: () => Promise.race([closed, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000))]),
    /** The server process is gone and its port closed. */
    async serverGone() {
      await expect.poll(() => alive(serverPid), { timeout: 15_000, interval: 250 }).toBe(false);
      expect(await canConnect('127.0.0.1', port)).toBe(false);
    },
    kill() {
      if (agent.exitCode === null && agent.signalCode === null) process.kill(-agent.pid!, 'SIGKILL');
      if (serverPid && alive(serverPid)) process.kill(serverPid, 'SIGKILL');
    },
  };
}

describe('npm start and Ctrl-C', () => {
  // SIGINT: Ctrl-C. SIGHUP: the terminal closed (Node's default would exit without stopping the server).
  it.each(['SIGINT', 'SIGHUP'] as const)(
    'on %s to its group, drains the workers before the embedded server stops, and leaves no process behind',
    async (signal) => {
      const run = await startAgent();
      const { agent, out } = run;
      try {
        await run.running();
        // The first cycle starts at once; stop while it runs, so there is work to drain.
        await run.until(async (client) => {
          for await (const wf of client.workflow.list({ query: 'WorkflowType = "adCycleWorkflow"' })) return wf.status.name !== undefined;
          return false;
        });
        process.kill(-agent.pid!, signal);
        // npm and tsx pass the signal on, so the agent can get it a second time once it has begun to
        // stop; here that repeat is made certain (it killed the agent mid-shutdown, orphaning the server).
        await new Promise((r) => setTimeout(r, 200));
        process.kill(-agent.pid!, signal);
        const ended = await run.ended();
        // npm ends as a shell's job ends on that signal (or with the agent's 0); the agent finishes its own shutdown.
        expect(ended !== 'timeout' && (ended.code === 0 || ended.signal === signal), out.log.slice(-3000)).toBe(true);
        expect(out.log, out.log.slice(-3000)).toContain('agent stopped');
        // Every worker reported to a server that was still there while it drained.
        expect(out.log, out.log.slice(-3000)).not.toMatch(/tcp connect error|connection refused/i);
        expect(out.log).toMatch(/"taskQueue":"ad-images","state":"STOPPED"/);
        await run.serverGone();
      } finally {
        run.kill();
      }
    },
    180_000,
  );

  it('on a second Ctrl-C while the workers drain, stops the embedded server at once and leaves no process behind', async () => {
    // Real-time Kie (5–37 s per image), so the drain waits on an image generation in flight.
    const run = await startAgent({ SIM_TIME_SCALE: '1' });
    const { agent, out } = run;
    try {
      await run.running();
      await run.until(async (client) => {
        for await (const wf of client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
          const { raw } = await client.workflow.getHandle(wf.workflowId, wf.runId).describe();
          if (raw.pendingActivities?.some((a) => a.activityType?.name === 'generateImageCreative')) return true;
        }
        return false;
      }, 60_000);
      process.kill(-agent.pid!, 'SIGINT');
      await expect.poll(() => out.log.includes('"taskQueue":"ad-images","state":"STOPPING"'), { timeout: 10_000, interval: 100 }).toBe(true);
      // Later than the one-second window in which a repeat is the same Ctrl-C passed on by npm and tsx.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(out.log, 'the image worker is still draining').not.toMatch(/"taskQueue":"ad-images","state":"STOPPED"/);
      process.kill(-agent.pid!, 'SIGINT');
      const ended = await run.ended();
      expect(ended !== 'timeout' && (ended.code === 130 || ended.signal === 'SIGINT'), out.log.slice(-3000)).toBe(true);
      expect(out.log).toContain('interrupted again: stopping the embedded server now');
      expect(out.log, 'it did not wait for the drain').not.toContain('agent stopped');
      await run.serverGone();
    } finally {
      run.kill();
    }
  }, 180_000);
});
