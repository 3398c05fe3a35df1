import { describe, expect, it } from 'vitest';
import { chooseHooks } from '../../learning/choice';
import { POLICY_NAMES } from '../../learning/params';
import { creative, hook, hooks, NOW } from './fixtures';

const evidence = [creative('a', 'h0', 3000, 45), creative('b', 'h1', 3000, 30), creative('c', 'h2', 800, 6)];

describe('choosing hooks', () => {
  it('is deterministic for a given seed, for every policy, and records its draws', () => {
    for (const policy of POLICY_NAMES) {
      const run = (seed: string) => chooseHooks({ hooks: hooks(8), evidence, count: 3, seed, nowMs: NOW, policy });
      const a = run('cycle-2026-03-10T12:00');
      expect(run('cycle-2026-03-10T12:00')).toEqual(a);
      expect(a.seed).toBe('cycle-2026-03-10T12:00');
      expect(a.policy).toBe(policy);
      expect(a.choices).toHaveLength(3);
      expect(Object.keys(a.samples).length).toBeGreaterThan(0);
      expect(Object.keys(a.posterior.hooks)).toHaveLength(8);
    }
  });

  it('a different seed can choose differently (Thompson draws are random)', () => {
    const picks = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const r = chooseHooks({ hooks: hooks(8), evidence: [], count: 1, seed: `cycle-${i}`, nowMs: NOW, policy: 'thompson' });
      picks.add(r.choices[0]!.hookId);
    }
    expect(picks.size).toBeGreaterThan(3);
  });

  it('Thompson sampling records one draw per hook per launch and picks the highest', () => {
    const r = chooseHooks({ hooks: hooks(5), evidence, count: 2, seed: 's', nowMs: NOW, policy: 'thompson' });
    r.choices.forEach((c, i) => {
      const draws = Object.entries(r.samples).filter(([k]) => k.startsWith(`${i}/`));
      expect(draws).toHaveLength(5);
      expect(c.sampledValue).toBe(Math.max(...draws.map(([, v]) => v)));
      expect(r.samples[`${i}/${c.hookId}`]).toBe(c.sampledValue);
    });
  });

  it('with overwhelming evidence Thompson sampling exploits the winner', () => {
    const strong = [creative('a', 'h0', 200_000, 4000), creative('b', 'h1', 200_000, 1000), creative('c', 'h2', 200_000, 1200)];
    const r = chooseHooks({ hooks: hooks(3), evidence: strong, count: 5, seed: 'x', nowMs: NOW, policy: 'thompson' });
    expect(r.choices.every((c) => c.hookId === 'h0')).toBe(true);
  });

  it('uniform rotation launches the least-launched hooks first', () => {
    // h0..h2 have one creative each, h3 none: h3 first, then a tie among all four.
    const r = chooseHooks({ hooks: hooks(4), evidence, count: 2, seed: 'x', nowMs: NOW, policy: 'uniform' });
    expect(r.choices[0]!.hookId).toBe('h3');
    expect(['h0', 'h1', 'h2', 'h3']).toContain(r.choices[1]!.hookId);
  });

  it('only hooks that allow the requested format are eligible, and alternate styles are sampled', () => {
    const lib = [hook('img-only'), hook('both', { formats: ['image', 'video'], altStyles: ['dark-neon'] })];
    const r = chooseHooks({ hooks: lib, evidence: [], count: 4, seed: 'fmt', nowMs: NOW, policy: 'thompson', format: 'video' });
    expect(r.choices.every((c) => c.hookId === 'both' && c.format === 'video')).toBe(true);
    expect(r.choices.every((c) => ['bold-gradient', 'dark-neon'].includes(c.style))).toBe(true);
    expect(Object.keys(r.samples).some((k) => k.includes('style:dark-neon'))).toBe(true);
  });
});
