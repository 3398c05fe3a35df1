import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/env';

const load = (env: Record<string, string>) => loadConfig(env, { dotenvPath: false });

describe('config', () => {
  it('uses the simulators and the documented defaults when no credentials are set', () => {
    const c = load({});
    expect(c.meta.mode).toBe('simulator');
    expect(c.kie.mode).toBe('simulator');
    expect(c.cycle).toMatchObject({ intervalSeconds: 900, adsPerRun: 1, adSetDailyBudgetCents: 500 });
    expect(c.meta.version).toBe('v26.0');
    expect(c.dbPath.endsWith('data/performance.db')).toBe(true);
  });

  it('talks to the real services once credentials are set', () => {
    const c = load({ FB_ACCESS_TOKEN: 'EAAB-real', KIE_API_KEY: 'kie-real' });
    expect(c.meta).toMatchObject({ mode: 'real', baseUrl: 'https://graph.facebook.com' });
    expect(c.kie).toMatchObject({ mode: 'real', baseUrl: 'https://api.kie.ai' });
  });

  it('refuses bad values with one error that names every bad variable', () => {
    let err: unknown;
    try {
      load({ RUN_INTERVAL: 'soon', AD_ACCOUNT_ID: '12345', LANDING_URL: 'not a url', DAILY_BUDGET: '50' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    for (const name of ['RUN_INTERVAL', 'AD_ACCOUNT_ID', 'LANDING_URL', 'DAILY_BUDGET']) expect(message).toContain(name);
  });

  it('treats empty values (as in .env.example) as unset', () => {
    const c = load({ DB_PATH: '', META_GRAPH_BASE_URL: '', FB_ACCESS_TOKEN: ' ' });
    expect(c.dbPath.endsWith('performance.db')).toBe(true);
    expect(c.meta.mode).toBe('simulator');
  });
});
