/**
 * Turns for the test files, one lane per kind of file, served over a local socket, first come first
 * served. The files on the shared Temporal server (global-setup.ts) use its task queues, so they
 * take turns in the 'shared-server' lane: one at a time, as before. The files that start a server
 * of their own take turns in the 'own-server' lane, beside them: one such file at a time, so the
 * run never has more than two files at work on its two cores. take-turn.ts, a setup file of every
 * test file, waits for the turn and gives it back when the file ends; a turn also ends when its
 * socket closes, so a file that crashes, or a fork that is killed, cannot hold it.
 */
import net from 'node:net';
import type { TestProject } from 'vitest/node';

export const LANES = ['shared-server', 'own-server'] as const;
export type Lane = (typeof LANES)[number];

declare module 'vitest' {
  export interface ProvidedContext {
    /** Port on 127.0.0.1 of the turn server. */
    turnPort: number;
    /** The lane of the project's files (set per project in vitest.config.ts). */
    lane: Lane;
  }
}

export default async function setup(project: TestProject) {
  const queues = new Map<string, net.Socket[]>(LANES.map((l) => [l, []]));
  const server = net.createServer((socket) => {
    let queue: net.Socket[] | undefined;
    let asked = '';
    socket.on('error', () => undefined); // 'close' follows and hands the turn on
    socket.setEncoding('utf8').on('data', (d: string) => {
      if (queue || !(asked += d).includes('\n')) return;
      queue = queues.get(asked.trim());
      if (!queue) return void socket.destroy();
      queue.push(socket);
      if (queue.length === 1) socket.write('go\n');
    });
    socket.on('close', () => {
      const i = queue?.indexOf(socket) ?? -1;
      if (i < 0) return;
      queue!.splice(i, 1);
      if (i === 0) queue![0]?.write('go\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  project.provide('turnPort', (server.address() as net.AddressInfo).port);
  return () =>
    new Promise<void>((resolve) => {
      for (const q of queues.values()) for (const s of q) s.destroy();
      server.close(() => resolve());
    });
}
