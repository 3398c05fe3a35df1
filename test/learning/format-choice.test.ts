/**
 * A launch slot's format (learning/format-choice.ts, moved out of the planCycle activity): forced
 * by the cycle, or else a seeded draw against the account's video share among the formats the
 * hook allows. Pure; tested here beside the activity that uses it.
 */
import { describe, expect, it } from 'vitest';
import { chooseFormats } from '../../learning/format-choice';
import { createRng } from '../../learning/random';
import { hook } from '../learning/fixtures';

const hooks = [hook('img'), hook('both', { formats: ['image', 'video'] }), hook('vid', { formats: ['video'] })];
const choose = (hookIds: string[], videoShare: number, forced?: 'image' | 'video') => chooseFormats({ seed: 'cycle-1', hookIds, hooks, videoShare, forced });

describe('a slot format choice', () => {
  it('keeps every hook within the formats it allows', () => {
    expect(choose(['img', 'vid', 'both'], 1)).toEqual(['image', 'video', 'video']);
    expect(choose(['img', 'vid', 'both'], 0)).toEqual(['image', 'video', 'image']);
  });

  it('applies the format the cycle forces to every slot, without a draw', () => {
    expect(choose(['both', 'img', 'both'], 0.5, 'video')).toEqual(['video', 'video', 'video']);
    expect(choose(['both', 'both'], 0.5, 'image')).toEqual(['image', 'image']);
  });

  it('draws against the video share from its own stream of the cycle seed, one draw per slot in order', () => {
    const ids = Array.from({ length: 8 }, () => 'both');
    const rng = createRng('cycle-1:format');
    const expected = ids.map(() => (rng.next() < 0.5 ? 'video' : 'image'));
    expect(choose(ids, 0.5)).toEqual(expected);
    expect(choose(ids, 0.5)).toEqual(choose(ids, 0.5)); // a retried plan decides the same
    expect(chooseFormats({ seed: 'cycle-2', hookIds: ids, hooks, videoShare: 0.5 })).not.toEqual(expected);
  });

  it('makes a hook missing from the library as an image', () => {
    expect(choose(['unknown'], 1)).toEqual(['image']);
  });
});
