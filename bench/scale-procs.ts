/**
 * The scale benchmark's processes: spawning them with their output in a log file, waiting until
 * they are ready, and their CPU and memory from /proc (CPU as % of one core over a window).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

export interface Proc {
  name: string;
  pid: number;
  log: string;
  child?: ChildProcess;
}

/** A TypeScript entry run as `node --import tsx <script>` (one process, no tsx wrapper), output to `<logDir>/<name>.log`. */
export function spawnTs(name: string, script: string, args: string[], env: Record<string, string>, logDir: string): Proc {
  const log = path.join(logDir, `${name}.log`);
  const fd = openSync(log, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  return { name, pid: child.pid!, log, child };
}

/** Waits until the process's log contains `marker`; throws if it exits first or the time runs out. */
export async function waitForLog(p: Proc, marker: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (readFileSync(p.log, 'utf8').includes(marker)) return;
    if (p.child && p.child.exitCode !== null) throw new Error(`${p.name} exited (${p.child.exitCode}); see ${p.log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${p.name} not ready after ${timeoutMs} ms; see ${p.log}`);
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProc(p: Proc, graceMs = 35_000): Promise<void> {
  const child = p.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** CPU seconds (user + system) of a process so far, undefined once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

export function rssMiB(pid: number): number | undefined {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineBusySeconds(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0); // idle + iowait
  return (ticks.reduce((a, b) => a + b, 0) - idle) / CLK_TCK;
}

/** The pid of the process listening on a TCP port of this machine (e.g. the Temporal dev server, started by the CLI). */
export function pidListeningOn(port: number): number | undefined {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is ADDR:PORT; state 0A is LISTEN; column 9 is the socket's inode.
      if (cols[1]?.endsWith(`:${hex}`) && cols[3] === '0A' && cols[9]) inodes.add(cols[9]);
    }
  }
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) return Number(pid);
      } catch {
        // the fd closed while we looked
      }
    }
  }
  return undefined;
}

/** CPU (% of one core) and peak RSS of a set of processes over a window, sampled every `everyMs`. */
export class UsageWindow {
  private readonly cpu0 = new Map<string, number>();
  private readonly rssPeak = new Map<string, number>();
  private readonly busy0 = machineBusySeconds();
  private readonly t0 = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly procs: Array<{ name: string; pid: number }>,
    everyMs = 2_000,
  ) {
    for (const p of procs) this.cpu0.set(p.name, cpuSeconds(p.pid) ?? 0);
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  private sample() {
    for (const p of this.procs) this.rssPeak.set(p.name, Math.max(this.rssPeak.get(p.name) ?? 0, rssMiB(p.pid) ?? 0));
  }

  /** Per process: CPU as % of one core over the window, peak RSS in MiB; `others`: the rest of the machine's CPU. */
  end(): { seconds: number; procs: Array<{ name: string; cpuPct: number; rssMiB: number }>; othersPct: number } {
    clearInterval(this.timer);
    this.sample();
    const seconds = (performance.now() - this.t0) / 1000;
    const procs = this.procs.map((p) => ({
      name: p.name,
      cpuPct: (100 * ((cpuSeconds(p.pid) ?? this.cpu0.get(p.name)!) - this.cpu0.get(p.name)!)) / seconds,
      rssMiB: this.rssPeak.get(p.name) ?? 0,
    }));
    const ours = procs.reduce((a, p) => a + p.cpuPct, 0);
    const all = (100 * (machineBusySeconds() - this.busy0)) / seconds;
    return { seconds, procs, othersPct: Math.max(0, all - ours) };
  }
}
