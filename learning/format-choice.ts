/**
 * A launch slot's format is decided with its hook: the one the cycle forces, or else a seeded draw
 * against the account's video share among the formats the hook allows. The draw is seeded by the
 * cycle id, so a retried or replayed plan decides the same formats.
 */
import type { CreativeFormat, Hook } from './hook-library';
import { createRng } from './random';

/** Input of chooseFormats: the chosen hooks in slot order, and what the cycle and account want. */
export interface FormatChoiceInput {
  /** Cycle id; the draws use their own stream (`<seed>:format`), apart from the hook choice. */
  seed: string;
  /** The hook of each launch slot, in slot order. */
  hookIds: string[];
  hooks: Hook[];
  /** Share of launches to make as video when the cycle forces no format (0..1). */
  videoShare: number;
  /** The format the cycle forces on every slot, if any (no draw is then made). */
  forced?: CreativeFormat;
}

/** One format per slot: video with probability `videoShare` when the hook allows it, else its image. */
export function chooseFormats(input: FormatChoiceInput): CreativeFormat[] {
  const rng = createRng(`${input.seed}:format`);
  return input.hookIds.map((hookId) => {
    if (input.forced) return input.forced;
    // A hook missing from the library is made as an image (the planner only chooses library hooks).
    const allowed = input.hooks.find((h) => h.id === hookId)?.formats ?? ['image'];
    const wantsVideo = rng.next() < input.videoShare;
    if (wantsVideo && allowed.includes('video')) return 'video';
    return allowed.includes('image') ? 'image' : 'video';
  });
}
