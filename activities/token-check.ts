/**
 * The token's lifecycle, checked at the start of every cycle. Business Manager system-user tokens
 * now often expire after 60–90 days and Meta tells no one (reference §14), so the expiry is read
 * from Graph's debug_token (or, where that does not answer, the account's configured
 * tokenExpiresAt) and warned about TOKEN_EXPIRY_WARN_DAYS ahead: a log warning, a finding once a
 * day, and the maa_token_expires_in_days gauge. An invalid or expired token is not this module's
 * to handle: the next Graph call answers 190, a non-retryable MetaAuthorizationError that fails
 * the cycle and pauses the account's schedule with the reason in its note.
 */
import { log, metricMeter } from '@temporalio/activity';
import { and, eq, gte } from 'drizzle-orm';
import { recordFinding } from '../db/audit';
import type { Db } from '../db/client';
import { findings } from '../db/schema';
import type { AccountContext } from './accounts';
import { isAuthorizationError } from './errors';
import type { MetaClient } from './ports/meta-client';

const DAY_MS = 86_400_000;

export interface TokenHealth {
  /** Where the expiry comes from. */
  source: 'debug_token' | 'configuration' | 'none';
  /** ISO time of expiry; absent when the token does not expire (or nobody says). */
  expiresAt?: string;
  daysLeft?: number;
  /** Set when the expiry is within the warning window. */
  warning?: string;
}

export async function checkToken(
  db: Db,
  account: Pick<AccountContext, 'id' | 'tokenExpiresAt'>,
  meta: MetaClient,
  scope: { cycleId: string },
  at: Date,
  warnDays: number,
): Promise<TokenHealth> {
  let health: TokenHealth = { source: 'none' };
  try {
    const t = await meta.debugToken();
    if (t.expires_at) health = { source: 'debug_token', expiresAt: new Date(t.expires_at * 1000).toISOString() };
  } catch (err) {
    // 190 and friends stop the account (the caller's mapErrors makes them non-retryable); anything
    // else (debug_token refused for this kind of token, say) leaves the configured expiry to say.
    if (isAuthorizationError(err)) throw err;
    log.info('debug_token did not answer; using the configured token expiry', { accountId: account.id, error: (err as Error).message });
  }
  if (health.source === 'none' && account.tokenExpiresAt) health = { source: 'configuration', expiresAt: new Date(account.tokenExpiresAt).toISOString() };
  if (!health.expiresAt) return health;

  health.daysLeft = Math.floor((Date.parse(health.expiresAt) - at.getTime()) / DAY_MS);
  try {
    metricMeter
      .createGauge('maa_token_expires_in_days', 'int', 'days', "Days until the account's Meta token expires")
      .withTags({ account: account.id })
      .set(health.daysLeft);
  } catch {
    // Outside an activity (unit tests).
  }
  if (health.daysLeft > warnDays) return health;
  health.warning = `The Meta token of ${account.id} expires on ${health.expiresAt.slice(0, 10)} (in ${health.daysLeft} days, from ${health.source}): renew it before then, or the account's cycles stop.`;
  log.warn(health.warning, { accountId: account.id, expiresAt: health.expiresAt, daysLeft: health.daysLeft });
  const dayStart = new Date(at.getTime() - (at.getTime() % DAY_MS)).toISOString();
  const already = db
    .select({ id: findings.id })
    .from(findings)
    .where(and(eq(findings.accountId, account.id), eq(findings.kind, 'token-expiring'), gte(findings.createdAt, dayStart)))
    .get();
  if (!already)
    recordFinding(db, {
      accountId: account.id,
      cycleId: scope.cycleId,
      kind: 'token-expiring',
      subject: account.id,
      text: health.warning,
      confidence: 1,
      data: { expiresAt: health.expiresAt, daysLeft: health.daysLeft, source: health.source },
      createdAt: at.toISOString(),
    });
  return health;
}
