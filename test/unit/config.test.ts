import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/env';

const load = (env: Record<string, string>) => loadConfig(env, { dotenvPath: false });

describe('config', () => {
  it('uses the simulators and the documented defaults when no credentials are set', () => {
    const c = load({});
    expect(c.meta.mode).toBe('simulator');
    expect(c.kie.mode).toBe('simulator');
    expect(c.accounts).toHaveLength(1);
    expect(c.account).toMatchObject({
      id: 'act_1234567890',
      intervalSeconds: 900,
      adsPerRun: 1,
      dailyBudgetCents: 500,
      enabled: true,
      meta: { mode: 'simulator' },
    });
    expect(c.meta.version).toBe('v26.0');
    expect(c.dbPath.endsWith('data/performance.db')).toBe(true);
  });

  it('talks to the real services once credentials are set', () => {
    const c = load({ FB_ACCESS_TOKEN: 'EAAB-real', KIE_API_KEY: 'kie-real' });
    expect(c.meta.mode).toBe('real');
    expect(c.account.meta).toMatchObject({ mode: 'real', baseUrl: 'https://graph.facebook.com', accessToken: 'EAAB-real' });
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

describe('accounts file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maa-accounts-'));
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('loads the shipped example: every account complete, defaults from the environment, tokens by reference', () => {
    const c = load({ ACCOUNTS_FILE: 'accounts.example.json', DAILY_BUDGET: '600', META_TOKEN_ACME: 'EAAB-acme' });
    expect(c.accounts.map((a) => [a.id, a.enabled])).toEqual([
      ['act_1234567890', true],
      ['act_2233445566', true],
      ['act_9988776655', true],
      ['act_5544332211', false],
    ]);
    const [acme, bloom, northwind] = c.accounts;
    expect(acme!.meta).toMatchObject({ mode: 'real', accessToken: 'EAAB-acme' }); // its variable is set
    expect(bloom!.meta).toMatchObject({ mode: 'simulator', accessToken: 'sim-meta-token' }); // META_TOKEN_BLOOM is not
    expect(bloom).toMatchObject({ totalDailySpendCapCents: 1400, maxLiveAds: 2, kieDailyCreditCap: 200, intervalSeconds: 1800, policy: 'thompson' });
    expect(bloom!.hookLibraryPath).toBe(path.resolve('hooks/skincare.json'));
    expect(northwind!.dailyBudgetCents).toBe(600); // not in the file: the environment's value
    expect(JSON.stringify(c.accounts.map(({ meta: _meta, ...rest }) => rest))).not.toContain('EAAB-acme');
  });

  it('reads YAML and resolves a token file relative to the accounts file', () => {
    writeFileSync(path.join(dir, 'token.txt'), 'EAAB-from-file\n');
    const yaml = file(
      'accounts.yaml',
      'accounts:\n  - id: act_42\n    pageId: "7"\n    token: { file: token.txt }\n    maxLiveAds: 3\n    approval: { timeout: 2h, onTimeout: approve }\n',
    );
    const c = load({ ACCOUNTS_FILE: yaml });
    expect(c.account).toMatchObject({ id: 'act_42', pageId: '7', maxLiveAds: 3, meta: { mode: 'real', accessToken: 'EAAB-from-file' } });
    expect(c.account.approval).toEqual({ timeout: '2h', onTimeout: 'approve' });
    expect(load({}).account.approval).toBeUndefined();
    expect(load({ APPROVAL_REQUIRED: 'true' }).account.approval).toEqual({ timeout: '4h', onTimeout: 'skip' });
  });

  it('names every bad field with its account, and refuses a token written into the file', () => {
    const bad = file(
      'bad.json',
      JSON.stringify({
        accounts: [
          { id: 'act_1', pageId: '1', dailyBudget: 50, countries: ['usa'] },
          { id: 'act_2', pageId: 'x', token: 'EAAB-secret' },
          { id: 'act_3', pageId: '3', bogus: 1 },
        ],
      }),
    );
    let message = '';
    try {
      load({ ACCOUNTS_FILE: bad });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toContain('accounts[0] (act_1).dailyBudget');
    expect(message).toContain('accounts[0] (act_1).countries.0');
    expect(message).toContain('accounts[1] (act_2).pageId');
    expect(message).toMatch(/accounts\[1\] \(act_2\)\.token: must be \{"env"/);
    expect(message).toContain('accounts[2] (act_3): Unrecognized key: "bogus"');
    expect(message).not.toContain('EAAB-secret');
  });

  it('refuses an account listed twice', () => {
    const twice = file(
      'twice.json',
      JSON.stringify({
        accounts: [
          { id: 'act_1', pageId: '1' },
          { id: 'act_1', pageId: '2' },
        ],
      }),
    );
    expect(() => load({ ACCOUNTS_FILE: twice })).toThrow(/accounts\[1\] \(act_1\)\.id: act_1 is listed twice/);
  });
});
