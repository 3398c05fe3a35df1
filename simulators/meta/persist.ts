// Optional state file (opts.stateFile): the object graph, delivery counters and the sim clock
// survive a restart, so a long-running local stack keeps finding the ids it stored. Writes are
// debounced and atomic (temp file + rename).
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import type { DeliveryState } from './delivery';
import type { SimObject } from './store';

export interface SimSnapshot {
  format: 1;
  simNow: number;
  store: { lastId: string; objects: SimObject[] };
  delivery: DeliveryState;
}

export function loadSnapshot(file: string | undefined): SimSnapshot | undefined {
  if (!file || !existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as SimSnapshot;
    return parsed.format === 1 ? parsed : undefined;
  } catch (e) {
    console.error(`[meta-sim] ignoring unreadable state file ${file}:`, e);
    return undefined;
  }
}

export class Persister {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly snapshot: () => SimSnapshot,
  ) {}

  /** Save soon; bursts of requests collapse into one write. */
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, 250);
    this.timer.unref();
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const data = JSON.stringify(this.snapshot());
    const tmp = `${this.file}.${process.pid}.tmp`;
    this.writing = this.writing
      .then(() => writeFile(tmp, data))
      .then(() => rename(tmp, this.file))
      .catch((e: unknown) => console.error('[meta-sim] could not write state file', e));
    return this.writing;
  }
}
