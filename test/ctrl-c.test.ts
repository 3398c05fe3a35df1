/**
 * `npm start` stopped with Ctrl-C, as a terminal sends it: SIGINT to the whole foreground process
 * group. The embedded Temporal server runs in a group of its own, so it keeps serving while the
 * workers drain (an activity that finishes then still reports its result) and is stopped by the
 * agent afterwards, leaving nothing behind. The same for a closed terminal (SIGHUP to the group).
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

describe('npm start and Ctrl-C', () => {
  // SIGINT: Ctrl-C. SIGHUP: the terminal closed (Node's default would exit without stopping the server).
  it.each(['SIGINT', 'SIGHUP'] as const)(
    'on %s to its group, drains the workers before the embedded server stops, and leaves no process behind',
    async (signal) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'maa-ctrl-c-'));
      const port = await freePort();
      const env = {
        ...process.env,
        TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
        DATA_DIR: dir,
        ...(await agentPorts()),
        LOG_LEVEL: 'info',
      };
      // `npm start` as a shell runs a foreground job: a process group of its own (npm, tsx and the
      // agent), whose pid is npm's.
      const agent = spawn('npm', ['start'], { cwd: ROOT, env, detached: true });
      let log = '';
      agent.stdout.on('data', (d: Buffer) => (log += d.toString()));
      agent.stderr.on('data', (d: Buffer) => (log += d.toString()));
      // 'close' comes when every process holding the output has ended: npm, tsx and the agent.
      const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => agent.once('close', (code, signal) => r({ code, signal })));
      let serverPid = 0;
      try {
        await expect.poll(() => log.includes('agent running'), { timeout: 90_000, interval: 500 }).toBe(true);
        const found = spawnSync('pgrep', ['-f', `start-dev .*--port ${port} `], { encoding: 'utf8' })
          .stdout.trim()
          .split('\n')
          .filter(Boolean);
        expect(found, 'one embedded server for this port').toHaveLength(1);
        serverPid = Number(found[0]);
        expect(pgid(agent.pid!)).toBe(agent.pid);
        expect(pgid(serverPid), 'the server is outside the group a Ctrl-C reaches').not.toBe(agent.pid);

        // The first cycle starts at once; stop while it runs, so there is work to drain.
        const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
        try {
          const client = new Client({ connection });
          await expect
            .poll(
              async () => {
                for await (const wf of client.workflow.list({ query: 'WorkflowType = "adCycleWorkflow"' })) return wf.status.name;
                return undefined;
              },
              { timeout: 30_000, interval: 250 },
            )
            .toBeDefined();
        } finally {
          await connection.close();
        }
        process.kill(-agent.pid!, signal);
        // npm and tsx pass the signal on, so the agent can get it a second time once it has begun to
        // stop; here that repeat is made certain (it killed the agent mid-shutdown, orphaning the server).
        await new Promise((r) => setTimeout(r, 200));
        process.kill(-agent.pid!, signal);
        const ended = await Promise.race([closed, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000))]);
        // npm ends as a shell's job ends on that signal (or with the agent's 0); the agent finishes its own shutdown.
        expect(ended !== 'timeout' && (ended.code === 0 || ended.signal === signal), log.slice(-3000)).toBe(true);
        expect(log, log.slice(-3000)).toContain('agent stopped');
        // Every worker reported to a server that was still there while it drained.
        expect(log, log.slice(-3000)).not.toMatch(/tcp connect error|connection refused/i);
        expect(log).toMatch(/"taskQueue":"ad-images","state":"STOPPED"/);
        await expect.poll(() => alive(serverPid), { timeout: 15_000, interval: 250 }).toBe(false);
        expect(await canConnect('127.0.0.1', port)).toBe(false);
      } finally {
        if (agent.exitCode === null && agent.signalCode === null) process.kill(-agent.pid!, 'SIGKILL');
        if (serverPid && alive(serverPid)) process.kill(serverPid, 'SIGKILL');
      }
    },
    180_000,
  );
});
