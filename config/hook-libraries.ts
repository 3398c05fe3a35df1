/**
 * The start-up check of the hook libraries: every enabled account's library is read and validated
 * before anything starts, so a bad field stops `npm start`, `npm run cycle` and the worker
 * processes at once, naming the file and the field. Without it the first cycle found the problem in
 * its planning activity, much later and far from the person who edited the file.
 */
import { HookLibraryError, loadHookLibraryFile } from '../learning/hook-library';
import { ConfigError } from './env';

/** Throws a ConfigError naming every problem of every enabled account's hook library (one file is read once). */
export function checkHookLibraries(accounts: ReadonlyArray<{ id: string; enabled: boolean; hookLibraryPath: string }>): void {
  const users = new Map<string, string[]>();
  for (const a of accounts.filter((x) => x.enabled)) users.set(a.hookLibraryPath, [...(users.get(a.hookLibraryPath) ?? []), a.id]);
  const problems: string[] = [];
  for (const [file, ids] of users) {
    try {
      loadHookLibraryFile(file);
    } catch (err) {
      if (!(err instanceof HookLibraryError)) throw err;
      problems.push(...err.issues.map((issue) => `hook library ${file} (of ${ids.join(', ')}): ${issue}`));
    }
  }
  if (problems.length) throw new ConfigError(problems);
}
