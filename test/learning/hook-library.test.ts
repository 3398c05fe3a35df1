import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HookLibraryError, loadHookLibrary, loadHookLibraryFile, parseHookLibrary } from '../../learning/hook-library';

const shipped = fileURLToPath(new URL('../../hooks/library.json', import.meta.url));

describe('hook library', () => {
  it('the shipped library is valid: at least 12 hooks over several angles and styles', () => {
    const lib = loadHookLibraryFile(shipped);
    expect(lib.offer.length).toBeGreaterThan(0);
    expect(lib.hooks.length).toBeGreaterThanOrEqual(12);
    expect(new Set(lib.hooks.map((h) => h.angle)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(lib.hooks.map((h) => h.visualStyle)).size).toBeGreaterThanOrEqual(4);
    expect(lib.hooks.some((h) => h.formats.includes('video'))).toBe(true);
    expect(loadHookLibrary(shipped)).toEqual(lib.hooks);
  });

  it('names every bad field, with the hook it belongs to', () => {
    const good = loadHookLibraryFile(shipped);
    const bad = structuredClone(good) as unknown as { hooks: Array<Record<string, unknown>> };
    bad.hooks[0]!.primaryText = 'x'.repeat(126);
    bad.hooks[1]!.formats = ['image', 'gif'];
    (bad.hooks[2]!.gradientScheme as Record<string, unknown>).from = 'red';
    try {
      parseHookLibrary(bad, 'test.json');
      expect.unreachable('should throw');
    } catch (err) {
      expect(err).toBeInstanceOf(HookLibraryError);
      const e = err as HookLibraryError;
      expect(e.issues.length).toBe(3);
      expect(e.message).toContain(`hooks[0].primaryText (hook "${good.hooks[0]!.id}")`);
      expect(e.message).toContain('125 characters');
      expect(e.message).toContain('hooks[1].formats[1]');
      expect(e.message).toContain('hooks[2].gradientScheme.from');
    }
  });

  it('rejects duplicate hook ids', () => {
    const lib = structuredClone(loadHookLibraryFile(shipped));
    lib.hooks[3]!.id = lib.hooks[4]!.id;
    expect(() => parseHookLibrary(lib)).toThrow(/hooks\[4\]\.id .*duplicate hook id/);
  });

  it('reports unreadable and non-JSON files clearly', () => {
    expect(() => loadHookLibrary('/nonexistent/library.json')).toThrow(/cannot read file/);
  });
});
