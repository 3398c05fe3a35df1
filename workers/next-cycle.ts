/**
 * An operator's request for an account's next cycle (a hook, a format or both), checked against
 * the account's hook library before it is stored, so a typo is refused at once rather than found by
 * a scheduled cycle at night. `npm run cycle -- --next` and the trigger API share it.
 */
import type { ConfiguredAccount } from '../config/env';
import type { Db } from '../db/client';
import { clearNextCycle, pendingNextCycle, requestNextCycle, type NextCycleOverride } from '../db/next-cycle';
import { loadHookLibrary } from '../learning';

export interface NextCycleRequest {
  hookId?: string;
  format?: 'image' | 'video';
  requestedBy: string;
}

export type NextCycleAnswer = { ok: true; nextCycle: NextCycleOverride } | { ok: false; problems: string[] };

export function nextCycleRequests(db: () => Db, accounts: () => ReadonlyArray<ConfiguredAccount>) {
  const accountOf = (id: string) => accounts().find((a) => a.id === id);
  return {
    request(accountId: string, r: NextCycleRequest): NextCycleAnswer {
      const account = accountOf(accountId);
      if (!account) return { ok: false, problems: [`account: ${accountId} is not configured`] };
      const problems: string[] = [];
      if (!r.hookId && !r.format) problems.push('hook or format: say what the next cycle should use');
      if (r.format && !['image', 'video'].includes(r.format)) problems.push(`format: must be image or video, got ${r.format}`);
      if (r.hookId) {
        const hook = loadHookLibrary(account.hookLibraryPath).find((h) => h.id === r.hookId);
        if (!hook) problems.push(`hook: ${r.hookId} is not in ${accountId}'s hook library (${account.hookLibraryPath})`);
        else if (r.format && !hook.formats.includes(r.format))
          problems.push(`format: hook ${r.hookId} is not made as a ${r.format} (it allows ${hook.formats.join(', ')})`);
      }
      if (problems.length) return { ok: false, problems };
      return { ok: true, nextCycle: requestNextCycle(db(), { accountId, hookId: r.hookId, format: r.format, requestedBy: r.requestedBy }) };
    },
    pending: (accountId: string) => pendingNextCycle(db(), accountId),
    clear: (accountId: string) => clearNextCycle(db(), accountId),
  };
}
