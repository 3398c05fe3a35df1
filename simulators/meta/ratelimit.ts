// Business-use-case rate limiting (reference 7): per ad account and per bucket (ads_management,
// ads_insights) a score of read/write points that expire after decaySec; exceeding maxScore
// blocks the bucket for blockSec. Usage headers go on every response, as percentages, with
// estimated_time_to_regain_access in minutes.
import { GraphError } from './errors';
import type { RateLimitOptions } from './options';

export type UseCase = 'ads_management' | 'ads_insights';
const TIER = 'development_access';

export function throttleError(code: number, useCase: UseCase, subcode?: number): GraphError {
  if (code === 613) {
    return new GraphError({
      code,
      subcode: subcode ?? 1487742,
      transient: true,
      message: 'There have been too many calls from this ad-account. Wait a bit and try again.',
    });
  }
  if (code === 80004 || code === 80000) {
    const insights = useCase === 'ads_insights';
    return new GraphError({
      code: insights ? 80000 : 80004,
      subcode: subcode ?? 2446079,
      transient: true,
      message:
        'There have been too many calls to this ad-account. Wait a bit and try again. For more info, please ' +
        `refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting#${insights ? 'ads-insights' : 'ads-management'}.`,
    });
  }
  return new GraphError({ code, subcode: subcode ?? 2446079, transient: true, message: 'User request limit reached' });
}

export class RateLimiter {
  private readonly points = new Map<string, Array<{ t: number; pts: number }>>();
  private readonly blockedUntil = new Map<string, number>();
  private appCalls: number[] = [];

  constructor(private readonly cfg: Required<RateLimitOptions>) {}

  private window(key: string, now: number): Array<{ t: number; pts: number }> {
    const fresh = (this.points.get(key) ?? []).filter((p) => now - p.t < this.cfg.decaySec * 1000);
    this.points.set(key, fresh);
    return fresh;
  }

  private score(key: string, now: number): number {
    return this.window(key, now).reduce((s, p) => s + p.pts, 0);
  }

  /** Records the call; returns the throttle error when the bucket is (or becomes) blocked. */
  charge(accountId: string, useCase: UseCase, write: boolean, now: number): GraphError | undefined {
    this.appCalls = this.appCalls.filter((t) => now - t < 3_600_000);
    this.appCalls.push(now);
    const key = `${accountId}:${useCase}`;
    const until = this.blockedUntil.get(key);
    if (until !== undefined && now < until) return throttleError(this.cfg.errorCode, useCase);
    const pts = write ? this.cfg.writePoints : this.cfg.readPoints;
    if (this.score(key, now) + pts > this.cfg.maxScore) {
      this.blockedUntil.set(key, now + this.cfg.blockSec * 1000);
      return throttleError(this.cfg.errorCode, useCase);
    }
    this.window(key, now).push({ t: now, pts });
    return undefined;
  }

  private usage(accountId: string, useCase: UseCase, now: number, forcedBlock: boolean) {
    const key = `${accountId}:${useCase}`;
    const until = this.blockedUntil.get(key);
    const blockedMs = forcedBlock ? this.cfg.blockSec * 1000 : until !== undefined && until > now ? until - now : 0;
    const pct = blockedMs > 0 ? 100 : Math.min(100, (100 * this.score(key, now)) / this.cfg.maxScore);
    const oldest = this.window(key, now)[0];
    return {
      pct,
      regainMinutes: Math.ceil(blockedMs / 60_000),
      resetSec: oldest ? Math.ceil((oldest.t + this.cfg.decaySec * 1000 - now) / 1000) : 0,
    };
  }

  headers(accountId: string | undefined, now: number, useCase: UseCase, forcedBlock = false): Record<string, string> {
    const h: Record<string, string> = {
      'x-app-usage': JSON.stringify({
        call_count: Math.min(100, Math.round(this.appCalls.length / 100)),
        total_cputime: 0,
        total_time: 0,
      }),
    };
    if (accountId === undefined) return h;
    const entries = (['ads_management', 'ads_insights'] as UseCase[]).map((uc) => {
      const u = this.usage(accountId, uc, now, forcedBlock && uc === useCase);
      return {
        type: uc,
        call_count: Math.round(u.pct),
        total_cputime: Math.round(u.pct / 2),
        total_time: Math.round(u.pct / 2),
        estimated_time_to_regain_access: u.regainMinutes,
        ads_api_access_tier: TIER,
      };
    });
    h['x-business-use-case-usage'] = JSON.stringify({ [accountId]: entries });
    const mgmt = this.usage(accountId, 'ads_management', now, forcedBlock && useCase === 'ads_management');
    h['x-ad-account-usage'] = JSON.stringify({
      acc_id_util_pct: Math.round(mgmt.pct * 100) / 100,
      reset_time_duration: mgmt.resetSec,
      ads_api_access_tier: TIER,
    });
    if (useCase === 'ads_insights') {
      const ins = this.usage(accountId, 'ads_insights', now, forcedBlock);
      h['x-fb-ads-insights-throttle'] = JSON.stringify({
        app_id_util_pct: 0,
        acc_id_util_pct: Math.round(ins.pct * 100) / 100,
        ads_api_access_tier: TIER,
      });
    }
    return h;
  }
}
