/**
 * Setup file of every test file: before the file's own hooks, waits for the turn of its lane (see
 * turns.ts), and gives it back after the file's own afterAll hooks (after-hooks run in reverse
 * order, and this one is registered first). The file is imported while it waits, which starts
 * nothing, so its turn is spent on its hooks and tests alone.
 */
import net from 'node:net';
import { afterAll, beforeAll, inject } from 'vitest';

let socket: net.Socket | undefined;

beforeAll(async () => {
  const s = net.connect(inject('turnPort'), '127.0.0.1');
  socket = s;
  await new Promise<void>((resolve, reject) => {
    s.once('data', () => resolve());
    s.once('error', reject);
    s.once('close', () => reject(new Error(`the turn server closed before this file had its turn in ${inject('lane')}`)));
    s.write(`${inject('lane')}\n`);
  });
  // Held until the file ends; the open socket alone must not keep the fork alive.
  s.unref();
  s.on('error', () => undefined); // the turn ends with the socket either way
}, 30 * 60_000); // as long as the files ahead of it in its lane take

afterAll(() => {
  socket?.destroy();
});
