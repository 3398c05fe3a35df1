/**
 * Hostile input: a corpus of malformed and hostile values at every door of the agent. Each must get
 * a clear error naming the field (or a typed failure, retryable only where a retry can pass), with
 * no crash, no crash loop and nothing lost:
 *  - the environment and the accounts file (loadConfig -> ConfigError naming the variable / field);
 *  - the hook library (start-up stops at once naming file and field; a library that goes bad after
 *    start-up fails the cycle once, non-retryably, with the fields as its root cause);
 *  - Meta's and Kie's answers (missing fields, wrong types, huge, HTML, non-JSON, cut short), from a
 *    tiny server the typed clients are pointed at;
 *  - Kie callback bodies (bad signature, replayed, huge, not JSON): 4xx and no signal;
 *  - signals and updates with garbage (refused or ignored and logged; the cycle completes);
 *  - every HTTP endpoint (trigger API, codec, callback): wrong methods, huge bodies, bad JSON and
 *    wrong types -> 4xx naming the field, and the server still answers afterwards.
 */
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { LogEntry } from '@temporalio/worker';
import got, { type OptionsOfTextResponseBody } from 'got';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/env';
import { checkHookLibraries } from '../config/hook-libraries';
import { toFailure } from '../activities/errors';
import { NetworkError } from '../activities/ports/http';
import { createKieClient, KieApiError, resultUrls, type MarketRecord } from '../activities/ports/kie-client';
import { createMetaClient, MetaApiError } from '../activities/ports/meta-client';
import { startApiServer } from '../client/api-server';
import { startCallbackServer } from '../client/callback-server';
import { startCodecServer } from '../client/codec-server';
import { runCycle } from '../client/run-cycle';
import { scheduledAccount } from '../client/schedule-ops';
import { callbackToken } from '../temporal-config/callback-token';
import { AesGcmPayloadCodec } from '../temporal-config/payload-codec';
import { nextCycleRequests } from '../workers/next-cycle';
import { decideLaunchUpdate, kieCallbackSignal, launchDecisionSignal, pauseLaunchesSignal, setLaunchesPausedUpdate, statusQuery } from '../workflows/ad-cycle';
import { rootCause } from '../workflows/failure';
import { agentPorts, runProcess } from './helpers/process';
import { startTestStack, type TestStack } from './helpers/stack';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ACCOUNT_A = 'act_7200000001'; // the signal and API cases
const ACCOUNT_B = 'act_7200000002'; // its hook library goes bad after start-up
const SHIPPED_LIBRARY = readFileSync(path.join(ROOT, 'hooks/library.json'), 'utf8');
const dir = mkdtempSync(path.join(os.tmpdir(), 'maa-hostile-'));
const file = (name: string, text: string | Buffer) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
/** The shipped library with one hook's overlay too long for a 9:16 overlay and a colour that is no colour. */
const badLibrary = () => {
  const lib = JSON.parse(SHIPPED_LIBRARY) as { hooks: Array<Record<string, unknown> & { gradientScheme: Record<string, unknown> }> };
  lib.hooks[1]!.overlayText = 'An overlay text far too long to fit inside the safe area of a 9:16 story';
  lib.hooks[1]!.gradientScheme.from = '#12345g';
  return JSON.stringify(lib);
};

// --- The tally ------------------------------------------------------------------------------
const tried: Array<{ group: string; name: string; problem?: string }> = [];
/** Runs one hostile case; a failed expectation is recorded (with what went wrong), never thrown past the next case. */
async function hostile(group: string, name: string, check: () => unknown): Promise<void> {
  try {
    await check();
    tried.push({ group, name });
  } catch (err) {
    tried.push({ group, name, problem: (err as Error).message.split('\n').slice(0, 6).join(' | ') });
  }
}
const unhandled = (group: string) => tried.filter((t) => t.group === group && t.problem).map((t) => `${t.name}: ${t.problem}`);
const count = (group: string) => tried.filter((t) => t.group === group).length;
const escaped: unknown[] = [];
const onEscape = (err: unknown) => escaped.push(err);

let stack: TestStack;
const logs: LogEntry[] = [];
let libraryB: string;

beforeAll(async () => {
  process.on('unhandledRejection', onEscape);
  process.on('uncaughtException', onEscape);
  libraryB = file('library-b.json', SHIPPED_LIBRARY);
  const accounts = file(
    'accounts.json',
    JSON.stringify({
      accounts: [
        { id: ACCOUNT_A, pageId: '122100000000000001', hookLibrary: path.join(ROOT, 'hooks/library.json') },
        { id: ACCOUNT_B, pageId: '122100000000000001', hookLibrary: libraryB },
      ],
    }),
  );
  stack = await startTestStack({ logSink: (e) => logs.push(e), meta: { adAccounts: [ACCOUNT_A, ACCOUNT_B] }, env: { ACCOUNTS_FILE: accounts } });
});
afterAll(async () => {
  await stack?.shutdown();
  process.off('unhandledRejection', onEscape);
  process.off('uncaughtException', onEscape);
  const groups = [...new Set(tried.map((t) => t.group))];
  console.log(
    `hostile input: ${tried.length} cases, ${tried.filter((t) => !t.problem).length} handled\n` +
      groups.map((g) => `  ${g}: ${count(g)} cases, ${count(g) - unhandled(g).length} handled`).join('\n'),
  );
});

const configError = (env: Record<string, string>): ConfigError => {
  try {
    loadConfig(env, { dotenvPath: false });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw new Error(`not a ConfigError but ${(err as Error).name}: ${(err as Error).message}`);
  }
  throw new Error('loaded without an error');
};

describe('hostile input', () => {
  it('environment: every bad variable is refused by loadConfig with a ConfigError naming it', async () => {
    const key = randomBytes(32).toString('base64');
    const cases: Array<[string, Record<string, string>, string]> = [
      ['DAILY_BUDGET not a number', { DAILY_BUDGET: 'abc' }, 'DAILY_BUDGET'],
      ['DAILY_BUDGET a fraction of a cent', { DAILY_BUDGET: '499.5' }, 'DAILY_BUDGET'],
      ['DAILY_BUDGET under Meta minimum', { DAILY_BUDGET: '50' }, 'DAILY_BUDGET'],
      ['KIE_CREDIT_USD negative', { KIE_CREDIT_USD: '-1' }, 'KIE_CREDIT_USD'],
      ['KIE_CREDIT_USD Infinity', { KIE_CREDIT_USD: 'Infinity' }, 'KIE_CREDIT_USD'],
      ['KIE_CREDIT_USD NaN', { KIE_CREDIT_USD: 'NaN' }, 'KIE_CREDIT_USD'],
      ['API_PORT beyond 65535', { API_PORT: '99999' }, 'API_PORT'],
      ['CALLBACK_PORT negative', { CALLBACK_PORT: '-1' }, 'CALLBACK_PORT'],
      ['CODEC_PORT a word', { CODEC_PORT: 'http' }, 'CODEC_PORT'],
      ['META_SIM_PORT beyond 65535', { META_SIM_PORT: '70000' }, 'META_SIM_PORT'],
      ['METRICS_PORT zero', { METRICS_PORT: '0' }, 'METRICS_PORT'],
      ['TEMPORAL_ADDRESS a URL', { TEMPORAL_ADDRESS: 'http://127.0.0.1:7233' }, 'TEMPORAL_ADDRESS'],
      ['TEMPORAL_ADDRESS without a port', { TEMPORAL_ADDRESS: 'localhost' }, 'TEMPORAL_ADDRESS'],
      ['TEMPORAL_ADDRESS with a space', { TEMPORAL_ADDRESS: 'temporal server:7233' }, 'TEMPORAL_ADDRESS'],
      ['KIE_BASE_URL not a URL', { KIE_BASE_URL: 'not a url' }, 'KIE_BASE_URL'],
      ['META_GRAPH_BASE_URL a javascript: URL', { META_GRAPH_BASE_URL: 'javascript:alert(1)' }, 'META_GRAPH_BASE_URL'],
      ['KIE_CALLBACK_URL a file: URL', { KIE_CALLBACK_URL: 'file:///etc/passwd' }, 'KIE_CALLBACK_URL'],
      ['LANDING_URL without a scheme', { LANDING_URL: 'example.com/landing' }, 'LANDING_URL'],
      ['CODEC_CORS_ORIGINS a wildcard', { CODEC_CORS_ORIGINS: '*' }, 'CODEC_CORS_ORIGINS'],
      ['VIDEO_SHARE above 1', { VIDEO_SHARE: '1.5' }, 'VIDEO_SHARE'],
      ['ADS_PER_RUN negative', { ADS_PER_RUN: '-1' }, 'ADS_PER_RUN'],
      ['RUN_INTERVAL under a minute', { RUN_INTERVAL: '5' }, 'RUN_INTERVAL'],
      ['HTTP_TIMEOUT_MS with a unit', { HTTP_TIMEOUT_MS: '30s' }, 'HTTP_TIMEOUT_MS'],
      ['LOG_LEVEL unknown', { LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
      ['APPROVAL_REQUIRED not a boolean', { APPROVAL_REQUIRED: 'maybe' }, 'APPROVAL_REQUIRED'],
      ['APPROVAL_TIMEOUT not a duration', { APPROVAL_TIMEOUT: 'forever' }, 'APPROVAL_TIMEOUT'],
      ['AD_ACCOUNT_ID with SQL in it', { AD_ACCOUNT_ID: "act_1'; DROP TABLE cycles;--" }, 'AD_ACCOUNT_ID'],
      ['PAGE_ID not numeric', { PAGE_ID: '12ab' }, 'PAGE_ID'],
      ['TARGET_COUNTRIES lower case', { TARGET_COUNTRIES: 'us,ca' }, 'TARGET_COUNTRIES'],
      ['CALL_TO_ACTION unknown', { CALL_TO_ACTION: 'CLICK_HERE' }, 'CALL_TO_ACTION'],
      ['META_GRAPH_VERSION a word', { META_GRAPH_VERSION: 'latest' }, 'META_GRAPH_VERSION'],
      ['VEO_MODEL unknown', { VEO_MODEL: 'veo4' }, 'VEO_MODEL'],
      ['SIM_TIME_SCALE zero', { SIM_TIME_SCALE: '0' }, 'SIM_TIME_SCALE'],
      ['PAYLOAD_ENCRYPTION_KEYS a short key', { PAYLOAD_ENCRYPTION_KEYS: 'k1:c2hvcnQ=' }, 'PAYLOAD_ENCRYPTION_KEYS'],
      ['PAYLOAD_ENCRYPTION_KEYS without a key id', { PAYLOAD_ENCRYPTION_KEYS: key }, 'PAYLOAD_ENCRYPTION_KEYS'],
      ['PAYLOAD_ENCRYPTION_KEYS the same id twice', { PAYLOAD_ENCRYPTION_KEYS: `k1:${key},k1:${key}` }, 'PAYLOAD_ENCRYPTION_KEYS'],
      ['PAYLOAD_ENCRYPTION_KEY_ID not in the keyring', { PAYLOAD_ENCRYPTION_KEYS: `k1:${key}`, PAYLOAD_ENCRYPTION_KEY_ID: 'k2' }, 'PAYLOAD_ENCRYPTION_KEY_ID'],
      ['ACCOUNTS_FILE that does not exist', { ACCOUNTS_FILE: '/nonexistent/accounts.json' }, 'ACCOUNTS_FILE'],
    ];
    for (const [name, env, variable] of cases) {
      await hostile('environment', name, () => {
        const err = configError(env);
        expect(err.message).toContain(variable);
        // A refused key is named by its id, never quoted.
        expect(err.message).not.toContain(key);
      });
    }
    await hostile('environment', 'every bad variable at once, each named', () => {
      const err = configError({ DAILY_BUDGET: 'abc', API_PORT: '99999', KIE_CREDIT_USD: '-1', KIE_BASE_URL: 'nope' });
      for (const v of ['DAILY_BUDGET', 'API_PORT', 'KIE_CREDIT_USD', 'KIE_BASE_URL']) expect(err.message).toContain(v);
    });
    // Documented (config test "treats empty values as unset"): an empty TEMPORAL_ADDRESS is not set, so the default.
    await hostile('environment', 'TEMPORAL_ADDRESS empty is unset: the documented default', () => {
      expect(loadConfig({ TEMPORAL_ADDRESS: '', API_PORT: ' ' }, { dotenvPath: false }).temporal.address).toBe('127.0.0.1:7233');
    });
    await hostile('environment', 'TEMPORAL_ADDRESS forms that are valid stay valid', () => {
      for (const a of ['temporal:7233', 'temporal_server:7233', '[::1]:7233', 'ns.acct.tmprl.cloud:7233'])
        expect(loadConfig({ TEMPORAL_ADDRESS: a }, { dotenvPath: false }).temporal.address).toBe(a);
    });
    expect(unhandled('environment')).toEqual([]);
    expect(count('environment')).toBeGreaterThanOrEqual(40);
  });

  it('accounts file: every bad entry is named with its account', async () => {
    const ok = { id: 'act_1', pageId: '1' };
    const cases: Array<[string, string, string, string[]]> = [
      ['bad JSON', 'bad.json', '{"accounts": [', ['not valid JSON']],
      [
        'YAML with wrong types',
        'types.yaml',
        'accounts:\n  - id: act_1\n    pageId: 123\n    dailyBudget: lots\n    enabled: "yes"\n',
        ['accounts[0] (act_1).pageId', 'accounts[0] (act_1).dailyBudget', 'accounts[0] (act_1).enabled'],
      ],
      ['duplicate ids', 'dup.json', JSON.stringify({ accounts: [ok, ok] }), ['accounts[1] (act_1).id', 'listed twice']],
      [
        'token inline as a string',
        'inline.json',
        JSON.stringify({ accounts: [{ ...ok, token: 'EAAB-inline-secret' }] }),
        ['accounts[0] (act_1).token', 'never the token itself'],
      ],
      ['unknown field', 'unknown.json', JSON.stringify({ accounts: [{ ...ok, budget: 500 }] }), ['accounts[0] (act_1)', '"budget"']],
      ['a misspelt top-level key', 'top.json', JSON.stringify({ acounts: [ok] }), ['acounts', 'accounts']],
      ['a list instead of an object', 'list.json', JSON.stringify([ok]), ['(file)']],
      ['no accounts', 'none.json', JSON.stringify({ accounts: [] }), ['accounts: list at least one account']],
      ['an empty YAML file', 'empty.yaml', '', ['(file)']],
      [
        'a YAML alias bomb',
        'bomb.yaml',
        `a: &a ["x","x","x","x","x","x","x","x","x"]\n${Array.from(
          { length: 12 },
          (_, i) =>
            `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
              .fill(`*${String.fromCharCode(97 + i)}`)
              .join(',')}]`,
        ).join('\n')}\naccounts: *m\n`,
        ['not valid YAML'],
      ],
      ['an id that is no account id', 'id.json', JSON.stringify({ accounts: [{ ...ok, id: 'acct-1' }] }), ['accounts[0] (acct-1).id', 'act_<digits>']],
      [
        'a javascript: landing URL',
        'url.json',
        JSON.stringify({ accounts: [{ ...ok, landingUrl: 'javascript:alert(1)' }] }),
        ['accounts[0] (act_1).landingUrl', 'http(s)'],
      ],
      [
        'an approval timeout that is no duration',
        'approval.json',
        JSON.stringify({ accounts: [{ ...ok, approval: { timeout: 'soon', onTimeout: 'skip' } }] }),
        ['accounts[0] (act_1).approval.timeout'],
      ],
      [
        'a token variable name with a space',
        'envname.json',
        JSON.stringify({ accounts: [{ ...ok, token: { env: 'FB TOKEN' } }] }),
        ['accounts[0] (act_1).token'],
      ],
      ['a token given both ways', 'both.json', JSON.stringify({ accounts: [{ ...ok, token: { env: 'X', file: 'y' } }] }), ['accounts[0] (act_1).token']],
      ['a million ads a run', 'ads.json', JSON.stringify({ accounts: [{ ...ok, adsPerRun: 1e6 }] }), ['accounts[0] (act_1).adsPerRun']],
      ['a __proto__ key', 'proto.json', '{"accounts":[{"id":"act_1","pageId":"1","__proto__":{"enabled":false}}]}', ['accounts[0] (act_1)', '__proto__']],
    ];
    for (const [name, fileName, text, mentions] of cases) {
      await hostile('accounts file', name, () => {
        const err = configError({ ACCOUNTS_FILE: file(fileName, text) });
        expect(err.message).toContain(fileName);
        for (const m of mentions) expect(err.message).toContain(m);
        expect(err.message).not.toContain('EAAB-inline-secret');
      });
    }
    await hostile('accounts file', 'a folder instead of a file', () => {
      mkdirSync(path.join(dir, 'folder.json'), { recursive: true });
      expect(configError({ ACCOUNTS_FILE: path.join(dir, 'folder.json') }).message).toMatch(/folder\.json: cannot read the file: EISDIR/);
    });
    expect(unhandled('accounts file')).toEqual([]);
  });

  it('hook library: a bad field stops npm run cycle, npm start and a worker at once, naming file and field', async () => {
    const bad = file('bad-library.json', badLibrary());
    await hostile('hook library', 'checkHookLibraries names the file, the hook and each field', () => {
      const err = (() => {
        try {
          checkHookLibraries([{ id: 'act_1', enabled: true, hookLibraryPath: bad }]);
        } catch (e) {
          return e as Error;
        }
        throw new Error('no error');
      })();
      expect(err).toBeInstanceOf(ConfigError);
      expect(err.message).toContain(bad);
      expect(err.message).toContain('hooks[1].overlayText (hook "wasted-budget-math"): must be at most 60 characters');
      expect(err.message).toContain('hooks[1].gradientScheme.from (hook "wasted-budget-math"): must be a hex colour');
    });
    await hostile('hook library', 'a disabled account is not held against the agent', () =>
      checkHookLibraries([{ id: 'act_1', enabled: false, hookLibraryPath: bad }]),
    );
    await hostile('hook library', 'a library that is not JSON', () =>
      expect(() => checkHookLibraries([{ id: 'act_1', enabled: true, hookLibraryPath: file('notjson.json', '{"hooks": [') }])).toThrow(
        /notjson\.json.*not valid JSON/,
      ),
    );
    await hostile('hook library', 'a library that does not exist', () =>
      expect(() => checkHookLibraries([{ id: 'act_1', enabled: true, hookLibraryPath: path.join(dir, 'missing.json') }])).toThrow(
        /missing\.json.*cannot read file/,
      ),
    );

    const env = {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'maa-hostile-cmd-')),
      ...(await agentPorts()),
      START_EMBEDDED_TEMPORAL: 'false',
      HOOK_LIBRARY_PATH: bad,
    };
    const commands: Array<[string, string[]]> = [
      ['npm run cycle', ['workers/cycle.ts', '--ads', '1']],
      ['npm start', ['workers/start.ts']],
      ['npm run worker:analysis', ['workers/main.ts', 'analysis']],
    ];
    const results = await Promise.all(commands.map(([, args]) => runTsx(args, env)));
    for (const [i, [name]] of commands.entries()) {
      await hostile('hook library', `${name} with a bad library exits at once, naming file and field`, () => {
        const r = results[i]!;
        expect(r.status, r.stderr).not.toBe(0);
        expect(r.signal).toBeNull(); // it exited by itself, not killed by the timeout
        expect(r.stderr).toContain(bad);
        expect(r.stderr).toContain('hooks[1].overlayText');
        expect(r.stderr).toContain('hooks[1].gradientScheme.from');
        expect(r.stdout).toBe(''); // no cycle started, nothing printed as a result
      });
    }
    expect(unhandled('hook library')).toEqual([]);
  });

  it('hook library: one that goes bad after start-up fails the cycle once, non-retryably, naming the fields', async () => {
    writeFileSync(libraryB, badLibrary()); // the workers are up and have not read it yet
    const { ok, line } = await runCycle(stack.env.client, { accountId: ACCOUNT_B, adsPerRun: 1 }, `hostile-library-${Date.now()}`);
    await hostile('hook library', 'npm run cycle prints the named fields as the root cause', () => {
      expect(ok).toBe(false);
      expect(line).toMatchObject({ status: 'FAILED', stage: 'planning', cause: { type: 'HookLibraryError' } });
      expect(String(line.error)).toContain('hooks[1].overlayText (hook "wasted-budget-math"): must be at most 60 characters');
      expect(String(line.error)).toContain(libraryB);
    });
    const workflowId = String(line.workflowId);
    await hostile('hook library', 'the planning activity ran once (attempt 1) and failed non-retryably', async () => {
      const events = (await stack.env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
      const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'planCycle');
      expect(scheduled).toHaveLength(1);
      const started = events.filter((e) => e.activityTaskStartedEventAttributes);
      expect(started.at(-1)!.activityTaskStartedEventAttributes!.attempt).toBe(1);
      const failed = events.find((e) => e.activityTaskFailedEventAttributes)!.activityTaskFailedEventAttributes!;
      const cause = failed.failure!.cause ?? failed.failure!;
      expect(cause.applicationFailureInfo).toMatchObject({ type: 'HookLibraryError', nonRetryable: true });
      expect(events.filter((e) => e.workflowTaskFailedEventAttributes)).toHaveLength(0);
    });
    await hostile('hook library', 'the failed cycle is recorded with its cause', () => {
      const row = stack.activities.db.$client.prepare('select status, result from cycles where cycle_id = ?').get(workflowId) as {
        status: string;
        result: string;
      };
      expect(row.status).toBe('failed');
      expect(JSON.parse(row.result).failure).toMatchObject({ type: 'HookLibraryError', stage: 'planning' });
    });
    writeFileSync(libraryB, SHIPPED_LIBRARY); // fixed: the next cycle reads it again (a failed read is not kept)
    await hostile('hook library', 'once the file is fixed, the next cycle of the account completes', async () => {
      const after = await runCycle(stack.env.client, { accountId: ACCOUNT_B, adsPerRun: 1 }, `hostile-library-fixed-${Date.now()}`);
      expect(after.line).toMatchObject({ status: 'COMPLETED', outcome: 'launched' });
    });
    expect(unhandled('hook library')).toEqual([]);
  });

  it("API answers: Meta's and Kie's malformed bodies become typed errors naming what was wrong", async () => {
    let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_q, res) => res.end();
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => answer(req, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const meta = createMetaClient({ baseUrl: base, version: 'v26.0', accessToken: 'hostile-token', timeoutMs: 1500 });
    const kie = createKieClient({ baseUrl: base, apiKey: 'hostile-key', timeoutMs: 1500 });
    const html = (title: string) => `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1><hr>nginx</body></html>`;
    const send =
      (status: number, body: string | Buffer, type = 'application/json') =>
      (_q: http.IncomingMessage, res: http.ServerResponse) => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      };
    const cut = (text: string) => (_q: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: the body simply stops
      res.write(text);
      res.socket?.end();
    };
    const cutUnderLength = (_q: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
      res.write('{"data": [');
      setTimeout(() => res.destroy(), 20);
    };
    const reset = (q: http.IncomingMessage) => q.socket.destroy();
    const slow = (_q: http.IncomingMessage, res: http.ServerResponse) => setTimeout(() => !res.destroyed && send(200, '{"id":"1"}')(_q, res), 3000);
    const insights = () => meta.adInsights('act_1', '2026-01-01', '2026-01-02');
    const create = () => meta.createCampaign('act_1', { name: 'maa|x', status: 'PAUSED' });
    const row = { ad_id: '1', date_start: '2026-01-01', date_stop: '2026-01-01', impressions: '10', spend: '1.00' };
    const hugeRows = JSON.stringify({ data: Array.from({ length: 200_000 }, () => ({ ...row, impressions: 10 })) });
    const env = (data: unknown, code = 200, msg = 'success') => JSON.stringify({ code, msg, data });
    const record = {
      taskId: 't1',
      model: 'google/nano-banana',
      state: 'success',
      resultJson: '{"resultUrls":["https://x.y/a.png"]}',
      costTime: 1,
      completeTime: 1,
    };

    type Case = [
      name: string,
      respond: typeof answer,
      call: () => Promise<unknown>,
      expected: typeof MetaApiError | typeof KieApiError | typeof NetworkError,
      retryable: boolean,
      mentions: RegExp,
    ];
    const cases: Case[] = [
      ['Meta: an insights row without its fields', send(200, JSON.stringify({ data: [{ ad_id: '1' }] })), insights, MetaApiError, false, /data\.0\.date_start/],
      [
        'Meta: insights of the wrong types',
        send(200, JSON.stringify({ data: [{ ...row, ad_id: 1, impressions: 10 }] })),
        insights,
        MetaApiError,
        false,
        /data\.0\.ad_id.*data\.0\.impressions/,
      ],
      ['Meta: a create answering a numeric id', send(200, '{"id": 123}'), create, MetaApiError, false, /id:/],
      ['Meta: a create answering {}', send(200, '{}'), create, MetaApiError, false, /id:/],
      ['Meta: a create answering null', send(200, 'null'), create, MetaApiError, false, /unexpected response shape/],
      ['Meta: a create answering a list', send(200, '[]'), create, MetaApiError, false, /unexpected response shape/],
      ['Meta: a status read without the status', send(200, '{"id": "1"}'), () => meta.getStatus('1'), MetaApiError, false, /status:/],
      [
        'Meta: an HTML 502 gateway page',
        send(502, html('502 Bad Gateway'), 'text/html'),
        insights,
        MetaApiError,
        true,
        /non-JSON response \(HTTP 502, text\/html/,
      ],
      ['Meta: an HTML 503 page on a create', send(503, html('503 Service Unavailable'), 'text/html'), create, MetaApiError, true, /HTTP 503/],
      ['Meta: an HTML 200 captive portal', send(200, html('Sign in to the Wi-Fi'), 'text/html'), insights, MetaApiError, true, /HTTP 200, text\/html/],
      ['Meta: an HTML 404 page (wrong base URL)', send(404, html('404 Not Found'), 'text/html'), insights, MetaApiError, false, /HTTP 404/],
      ['Meta: an HTML 403 from a proxy', send(403, html('403 Forbidden'), 'text/html'), create, MetaApiError, false, /HTTP 403/],
      ['Meta: an HTML 429 page', send(429, html('429 Too Many Requests'), 'text/html'), insights, MetaApiError, true, /HTTP 429/],
      ['Meta: plain text 500', send(500, 'Internal Server Error', 'text/plain'), insights, MetaApiError, true, /HTTP 500, text\/plain/],
      ['Meta: an empty 200', send(200, ''), insights, MetaApiError, true, /0 bytes/],
      ['Meta: a body that stops mid-stream', cut('{"data": [{"ad_id": "1", "date_'), insights, NetworkError, true, /network error/],
      ['Meta: a complete answer of cut JSON', send(200, '{"data": [{"ad_id": "1", "date_'), insights, MetaApiError, true, /non-JSON response \(HTTP 200/],
      ['Meta: a body shorter than its content-length', cutUnderLength, insights, NetworkError, true, /network error/],
      ['Meta: the connection reset', reset, create, NetworkError, true, /network error/],
      ['Meta: no answer within the timeout', slow, create, NetworkError, true, /network error \(ETIMEDOUT\)/],
      ['Meta: a huge body of 200,000 bad rows', send(200, hugeRows), insights, MetaApiError, false, /impressions.*\(and 199995 more\)/],
      [
        'Meta: a huge non-JSON body',
        send(200, Buffer.alloc(16 * 1024 * 1024, 'x'), 'application/octet-stream'),
        insights,
        MetaApiError,
        true,
        /16777216 bytes/,
      ],
      [
        'Meta: a 400 with a broken error envelope',
        send(400, '{"error": {"message": 5, "code": "x"}}'),
        create,
        MetaApiError,
        false,
        /HTTP 400 without error envelope/,
      ],
      [
        'Meta: an error envelope with a 2 MB message',
        send(400, JSON.stringify({ error: { message: 'x'.repeat(2_000_000), code: 100 } })),
        create,
        MetaApiError,
        false,
        /more characters/,
      ],
      [
        'Meta: JSON nested 100,000 deep',
        send(200, `${'['.repeat(100_000)}${']'.repeat(100_000)}`),
        insights,
        MetaApiError,
        false,
        /unexpected response shape|non-JSON/,
      ],
      ['Kie: a record without its state', send(200, env({ taskId: 't1' })), () => kie.imageTask('t1'), KieApiError, false, /unexpected data shape: state/],
      ['Kie: a record of the wrong types', send(200, env({ taskId: 5, state: 'done' })), () => kie.imageTask('t1'), KieApiError, false, /taskId.*state/],
      ['Kie: a balance that is not a number', send(200, env('lots')), () => kie.credits(), KieApiError, false, /unexpected data shape/],
      [
        'Kie: a create without a task id',
        send(200, env({})),
        () => kie.createImageTask({ model: 'google/nano-banana', prompt: 'p', imageSize: '9:16' }),
        KieApiError,
        false,
        /taskId/,
      ],
      ['Kie: JSON that is not a Kie envelope', send(200, '{"ok": true}'), () => kie.credits(), KieApiError, false, /not a Kie envelope: code/],
      ['Kie: an envelope whose code is a string', send(200, '{"code": "200", "data": 1}'), () => kie.credits(), KieApiError, false, /not a Kie envelope/],
      [
        'Kie: an HTML 502 gateway page',
        send(502, html('502 Bad Gateway'), 'text/html'),
        () => kie.credits(),
        KieApiError,
        true,
        /code 502 non-JSON response \(HTTP 502, text\/html/,
      ],
      ['Kie: an HTML 200 captive portal', send(200, html('Sign in'), 'text/html'), () => kie.imageTask('t1'), KieApiError, true, /HTTP 200, text\/html/],
      ['Kie: an HTML 404 page', send(404, html('404 Not Found'), 'text/html'), () => kie.credits(), KieApiError, false, /code 404/],
      ['Kie: plain text 500', send(500, 'oops', 'text/plain'), () => kie.videoTask('t1'), KieApiError, true, /code 500/],
      ['Kie: a body that stops mid-stream', cut('{"code": 200, "data": {"taskId"'), () => kie.imageTask('t1'), NetworkError, true, /network error/],
      ['Kie: a complete answer of cut JSON', send(200, '{"code": 200, "data": {"taskId"'), () => kie.imageTask('t1'), KieApiError, true, /code 500 non-JSON/],
      ['Kie: an empty 200', send(200, ''), () => kie.credits(), KieApiError, true, /0 bytes/],
      ['Kie: an envelope saying 200 on an HTTP 503', send(503, env(1)), () => kie.credits(), KieApiError, true, /code 503/],
      [
        'Kie: a huge record list of bad URLs',
        send(200, env({ taskId: 't1', successFlag: 1, response: { resultUrls: Array(100_000).fill('not a url') } })),
        () => kie.videoTask('t1'),
        KieApiError,
        false,
        /\(and 99995 more\)/,
      ],
      [
        'Kie: an error with a 2 MB message',
        send(200, env(null, 422, 'y'.repeat(2_000_000))),
        () => kie.credits(),
        KieApiError,
        false,
        /code 422 y+… \(1999000 more characters\)/,
      ],
      ['Kie: the connection reset', reset, () => kie.createVideoTask({ model: 'veo3_fast', prompt: 'p' }), NetworkError, true, /network error/],
      [
        'Kie: a result file that is gone',
        send(404, html('404'), 'text/html'),
        () => kie.download(`${base}/files/x.png`),
        KieApiError,
        false,
        /result file not available/,
      ],
      [
        'Kie: a successful record whose resultJson is not JSON',
        send(200, ''),
        async () => resultUrls({ ...record, resultJson: '{"resultUrls": [' } as MarketRecord),
        KieApiError,
        false,
        /resultJson that is not JSON/,
      ],
    ];
    for (const [name, respond, call, expected, retryable, mentions] of cases) {
      await hostile('API answers', name, async () => {
        answer = respond;
        const err = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, 'it must fail').toBeInstanceOf(expected);
        const message = (err as Error).message;
        expect(message).toMatch(mentions);
        expect(message.length).toBeLessThan(1500); // a huge body never becomes a huge failure in the history
        expect(message).not.toContain('hostile-token');
        const failure = toFailure(err);
        const nonRetryable = failure instanceof ApplicationFailure && failure.nonRetryable;
        expect(nonRetryable ? 'non-retryable' : 'retryable').toBe(retryable ? 'retryable' : 'non-retryable');
        if (failure instanceof ApplicationFailure) expect(failure.type).toMatch(/^(Meta|Kie)[A-Za-z]+$/);
      });
    }
    await hostile('API answers', 'Meta: a __proto__ key in an answer pollutes nothing', async () => {
      answer = send(200, '{"__proto__": {"polluted": "yes"}, "id": "123"}');
      expect(await create()).toEqual({ id: '123' });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(unhandled('API answers')).toEqual([]);
    expect(count('API answers')).toBeGreaterThanOrEqual(40);
  });

  it('Kie callbacks: bad signature, replayed, huge or not JSON -> 4xx and no signal', async () => {
    const signals: unknown[] = [];
    const fakeClient = { workflow: { getHandle: () => ({ signal: async (_s: unknown, args: unknown) => void signals.push(args) }) } } as unknown as Client;
    const hmacKey = 'hostile-hmac-key';
    const secret = 'hostile-token-secret';
    const signed = await startCallbackServer({ port: 0, client: fakeClient, hmacKey, tokenSecret: secret });
    const tokened = await startCallbackServer({ port: 0, client: fakeClient, tokenSecret: secret });
    const now = () => Math.floor(Date.now() / 1000);
    const sign = (taskId: string, ts = now()) => ({
      'x-webhook-timestamp': String(ts),
      'x-webhook-signature': createHmac('sha256', hmacKey).update(`${taskId}.${ts}`).digest('base64'),
    });
    const body = (taskId: string) => JSON.stringify({ code: 200, msg: 'success', data: { taskId, info: { resultUrls: ['https://x.y/v.mp4'] } } });
    const post = (url: string, o: OptionsOfTextResponseBody = {}) => got(url, { method: 'POST', throwHttpErrors: false, retry: { limit: 0 }, ...o });
    const at = (server: { url: string }, q = 'wf=ad-cycle-x&slot=0') => `${server.url}?${q}`;
    const tokenQ = (wf: string, slot: number, token = callbackToken(secret, wf, slot)) => `wf=${wf}&slot=${slot}&token=${token}`;
    const big = Buffer.alloc(5 * 1024 * 1024, 'a');

    type Case = [name: string, send: () => Promise<{ statusCode: number; body: string }>, status: number, mentions?: RegExp];
    const cases: Case[] = [
      ['signed: bad signature', () => post(at(signed), { body: body('t1'), headers: { ...sign('t1'), 'x-webhook-signature': 'AAAA' } }), 401],
      ['signed: no signature headers', () => post(at(signed), { body: body('t1') }), 401],
      ['signed: a correct signature ten minutes old', () => post(at(signed), { body: body('t1'), headers: sign('t1', now() - 600) }), 401],
      ['signed: a timestamp in the future', () => post(at(signed), { body: body('t1'), headers: sign('t1', now() + 3600) }), 401],
      ['signed: the signature of another task', () => post(at(signed), { body: body('t1'), headers: sign('t2') }), 401],
      ['signed: a timestamp that is no number', () => post(at(signed), { body: body('t1'), headers: { ...sign('t1'), 'x-webhook-timestamp': '1e9' } }), 401],
      ['not JSON', () => post(at(signed), { body: 'code=200&taskId=t1', headers: sign('t1') }), 400, /not JSON/],
      ['an empty body', () => post(at(signed), { body: '', headers: sign('t1') }), 400, /not JSON/],
      ['JSON null', () => post(at(signed), { body: 'null', headers: sign('t1') }), 400, /body/],
      [
        'JSON of the wrong types',
        () => post(at(signed), { body: '{"code": "200", "data": {"taskId": 7}}', headers: sign('t1') }),
        400,
        /body code.*body data\.taskId/,
      ],
      ['an empty task id', () => post(at(signed), { body: '{"code": 200, "data": {"taskId": ""}}', headers: sign('') }), 400, /taskId/],
      ['no workflow id in the query', () => post(at(signed, 'slot=0'), { body: body('t1'), headers: sign('t1') }), 400, /query wf/],
      ['a negative slot', () => post(at(signed, 'wf=x&slot=-1'), { body: body('t1'), headers: sign('t1') }), 400, /query slot/],
      ['a slot that is no number', () => post(at(signed, 'wf=x&slot=zero'), { body: body('t1'), headers: sign('t1') }), 400, /query slot/],
      ['a 5 MB body with its length', () => post(at(signed), { body: big, headers: sign('t1') }), 413, /larger than/],
      [
        'a 5 MB body, chunked',
        () =>
          post(at(signed), {
            body: (async function* () {
              for (let i = 0; i < 5; i++) yield big.subarray(0, 1024 * 1024);
            })(),
            headers: sign('t1'),
          }),
        413,
      ],
      ['GET on the callback path', () => got(at(signed), { throwHttpErrors: false }), 405],
      ['PUT on the callback path', () => got(at(signed), { method: 'PUT', body: body('t1'), throwHttpErrors: false }), 405],
      ['POST on another path', () => post(`${signed.url.replace('/kie/callback', '/admin')}`, { body: body('t1') }), 404],
      ['token: a wrong token', () => post(at(tokened, tokenQ('ad-cycle-x', 0, 'forged')), { body: body('t1') }), 401],
      ['token: no token', () => post(at(tokened, 'wf=ad-cycle-x&slot=0'), { body: body('t1') }), 401],
      [
        'token: the token of another slot',
        () => post(at(tokened, `wf=ad-cycle-x&slot=1&token=${callbackToken(secret, 'ad-cycle-x', 0)}`), { body: body('t1') }),
        401,
      ],
      [
        'token: the token of another cycle',
        () => post(at(tokened, `wf=ad-cycle-y&slot=0&token=${callbackToken(secret, 'ad-cycle-x', 0)}`), { body: body('t1') }),
        401,
      ],
    ];
    for (const [name, sendIt, status, mentions] of cases) {
      await hostile('Kie callbacks', name, async () => {
        const before = signals.length;
        const r = await sendIt();
        expect(r.statusCode, r.body).toBe(status);
        if (mentions) expect(r.body).toMatch(mentions);
        expect(signals.length).toBe(before); // no signal
      });
    }
    // A valid callback is relayed once; the very same call again is a replay.
    await hostile('Kie callbacks', 'signed: a replayed callback', async () => {
      const headers = sign('t-ok');
      expect((await post(at(signed, 'wf=ad-cycle-ok&slot=0'), { body: body('t-ok'), headers })).statusCode).toBe(200);
      expect(signals).toHaveLength(1);
      const again = await post(at(signed, 'wf=ad-cycle-ok&slot=0'), { body: body('t-ok'), headers });
      expect(again.statusCode).toBe(409);
      expect(signals).toHaveLength(1);
    });
    await hostile('Kie callbacks', 'token: a replayed callback', async () => {
      const q = tokenQ('ad-cycle-ok', 1);
      expect((await post(at(tokened, q), { body: body('t-ok2') })).statusCode).toBe(200);
      expect((await post(at(tokened, q), { body: body('t-ok2') })).statusCode).toBe(409);
      expect(signals).toHaveLength(2);
    });
    await hostile('Kie callbacks', 'a client that goes away mid-body takes nothing down', async () => {
      const { port } = new URL(signed.url);
      await new Promise<void>((resolve) => {
        const s = net.connect(Number(port), '127.0.0.1', () => {
          s.write('POST /kie/callback?wf=x&slot=0 HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{"code": 2');
          setTimeout(() => (s.destroy(), resolve()), 50);
        });
      });
    });
    await hostile('Kie callbacks', 'afterwards both endpoints still relay a valid callback', async () => {
      expect((await post(at(signed, 'wf=ad-cycle-ok&slot=1'), { body: body('t-last'), headers: sign('t-last') })).statusCode).toBe(200);
      expect((await post(at(tokened, tokenQ('ad-cycle-ok', 2)), { body: body('t-last') })).statusCode).toBe(200);
      expect(signals).toHaveLength(4);
    });
    await signed.close();
    await tokened.close();
    expect(unhandled('Kie callbacks')).toEqual([]);
  });

  let gatedId = '';
  it('signals and updates: garbage is refused or ignored and logged; the cycle goes on and completes', async () => {
    const handle = await stack.startCycle({ accountId: ACCOUNT_A, format: 'image', approval: { timeout: '10m', onTimeout: 'skip' } });
    gatedId = handle.workflowId;
    await expect.poll(async () => (await handle.query(statusQuery)).slots[0]?.status, { timeout: 60_000, interval: 300 }).toBe('awaiting_approval');
    const updates: Array<[string, unknown, RegExp]> = [
      ['decideLaunch: slot as a string', { slot: '0', approve: true }, /slot/],
      ['decideLaunch: no approve', { slot: 0 }, /approve/],
      ['decideLaunch: approve as "yes"', { slot: 0, approve: 'yes' }, /approve/],
      ['decideLaunch: a negative slot', { slot: -1, approve: true }, /slot/],
      ['decideLaunch: a fractional slot', { slot: 0.5, approve: true }, /slot/],
      ['decideLaunch: an unknown field', { slot: 0, approve: true, force: true }, /force/],
      ['decideLaunch: a 1000-character name', { slot: 0, approve: true, by: 'x'.repeat(1000) }, /by/],
      ['decideLaunch: a slot the cycle does not have', { slot: 99, approve: true }, /no slot 99/],
      ['decideLaunch: null', null, /input/],
      ['decideLaunch: a string', 'approve everything', /input/],
      ['decideLaunch: a list', [0, true], /input/],
      ['setLaunchesPaused: paused as "yes"', { paused: 'yes' }, /paused/],
      ['setLaunchesPaused: a reason that is an object', { paused: true, reason: { why: 1 } }, /reason/],
    ];
    for (const [name, args, mentions] of updates) {
      await hostile('signals and updates', name, async () => {
        const update = name.startsWith('setLaunchesPaused') ? setLaunchesPausedUpdate : decideLaunchUpdate;
        const err = await handle.executeUpdate(update as typeof decideLaunchUpdate, { args: [args as never] }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
        expect(rootCause(err).message).toMatch(mentions);
      });
    }
    const garbage: Array<[string, unknown]> = [
      ['null', null],
      ['a string', 'junk'],
      ['a number', 42],
      ['a list', [1, 2]],
      ['fields of the wrong types', { slot: '0', approve: 'yes', reason: { x: 1 }, taskId: 7, code: '200' }],
      ['a 100 kB string', 'x'.repeat(100_000)],
    ];
    for (const [what, args] of garbage) {
      await hostile('signals and updates', `launchDecision signal with ${what}`, () => handle.signal(launchDecisionSignal, args as never));
      await hostile('signals and updates', `kieCallback signal with ${what}`, () => handle.signal(kieCallbackSignal, args as never));
      if (what !== 'null') await hostile('signals and updates', `pauseLaunches signal with ${what}`, () => handle.signal(pauseLaunchesSignal, args as never));
    }
    await hostile('signals and updates', 'pauseLaunches signal with a 600-character reason', () =>
      handle.signal(pauseLaunchesSignal, { reason: 'r'.repeat(600) }),
    );
    await hostile('signals and updates', 'a signal the cycle does not know', () => handle.signal('explode', { now: true }));
    await hostile('signals and updates', 'after all that, nothing changed: the slot still waits, launches are not paused', async () => {
      const status = await handle.query(statusQuery);
      expect(status).toMatchObject({ launchesPaused: false, stage: 'awaiting-approval', slots: [{ status: 'awaiting_approval' }] });
      expect(status.slots[0]!.approval).toBeUndefined();
    });
    await hostile('signals and updates', 'each ignored signal was logged', () =>
      expect
        .poll(() => new Set(logs.map((l) => l.message).filter((m) => /^ignored/.test(m))), { timeout: 10_000 })
        .toEqual(new Set(['ignored a launchDecision signal', 'ignored an invalid kieCallback signal', 'ignored an invalid pauseLaunches signal'])),
    );
    await hostile('signals and updates', 'a valid decision still takes and the cycle completes, with no workflow task failure', async () => {
      await handle.executeUpdate(decideLaunchUpdate, { args: [{ slot: 0, approve: true, by: 'hostile-test' }] });
      const result = await handle.result();
      expect(result.outcome).toBe('launched');
      const events = (await handle.fetchHistory()).events ?? [];
      expect(events.filter((e) => e.workflowTaskFailedEventAttributes)).toHaveLength(0);
    });
    expect(unhandled('signals and updates')).toEqual([]);
  });

  it('HTTP endpoints: wrong methods, huge bodies, bad JSON and wrong types get a 4xx naming the field; the servers still answer', async () => {
    const token = 'hostile-api-token';
    const { config } = stack;
    const api = await startApiServer({
      port: 0,
      token,
      client: stack.env.client,
      accounts: () => config.accounts.map(scheduledAccount),
      checkDb: () => void stack.activities.db.$client.prepare('select count(*) from cycles').get(),
      nextCycle: nextCycleRequests(
        () => stack.activities.db,
        () => config.accounts,
      ),
    });
    const codec = new AesGcmPayloadCodec([{ id: 'k1', key: randomBytes(32) }]);
    const codecServer = await startCodecServer({ port: 0, codec, corsOrigins: ['http://localhost:8233'] });
    const call = (base: string, method: string, route: string, o: OptionsOfTextResponseBody & { auth?: string | null } = {}) => {
      const { auth = `Bearer ${token}`, ...rest } = o;
      return got(`${base}${route}`, {
        method: method as 'GET',
        throwHttpErrors: false,
        retry: { limit: 0 },
        ...(auth ? { headers: { authorization: auth } } : {}),
        ...rest,
      });
    };
    const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
    const huge = Buffer.alloc(5 * 1024 * 1024, ' ');
    const gone = gatedId || 'ad-cycle-none';
    type Case = [
      name: string,
      base: string,
      method: string,
      route: string,
      opts: OptionsOfTextResponseBody & { auth?: string | null },
      status: number | RegExp,
      mentions?: RegExp,
    ];
    const A = api.url;
    const C = codecServer.url;
    const cases: Case[] = [
      ['API: GET /cycles (a POST route)', A, 'GET', '/cycles', {}, 404],
      ['API: PUT /cycles', A, 'PUT', '/cycles', { body: '{}' }, 404],
      ['API: DELETE /cycles/x/pause', A, 'DELETE', '/cycles/x/pause', {}, 404],
      ['API: POST /healthz', A, 'POST', '/healthz', {}, 404],
      ['API: a body that is not JSON', A, 'POST', '/cycles', { body: '{account: act_1' }, 400, /not JSON/],
      ['API: an empty object', A, 'POST', '/cycles', { json: {} }, 400, /account/],
      ['API: a numeric account', A, 'POST', '/cycles', { json: { account: 123 } }, 400, /account/],
      ['API: ads as a word', A, 'POST', '/cycles', { json: { account: ACCOUNT_A, ads: 'two' } }, 400, /ads/],
      ['API: eleven ads', A, 'POST', '/cycles', { json: { account: ACCOUNT_A, ads: 11 } }, 400, /ads/],
      ['API: half an ad', A, 'POST', '/cycles', { json: { account: ACCOUNT_A, ads: 0.5 } }, 400, /ads/],
      ['API: an unknown format', A, 'POST', '/cycles', { json: { account: ACCOUNT_A, format: 'gif' } }, 400, /format/],
      ['API: an unknown policy', A, 'POST', '/cycles', { json: { account: ACCOUNT_A, policy: 'yolo' } }, 400, /policy/],
      ['API: an unknown field', A, 'POST', '/cycles', { json: { account: ACCOUNT_A, budget: 1e9 } }, 400, /budget/],
      ['API: an empty hook', A, 'POST', '/cycles', { json: { account: ACCOUNT_A, hook: '' } }, 400, /hook/],
      ['API: launchesPaused as "yes"', A, 'POST', '/cycles', { json: { account: ACCOUNT_A, launchesPaused: 'yes' } }, 400, /launchesPaused/],
      ['API: a list body', A, 'POST', '/cycles', { body: '[]' }, 400, /\(body\)/],
      ['API: a null body', A, 'POST', '/cycles', { body: 'null' }, 400, /\(body\)/],
      ['API: a 5 MB body', A, 'POST', '/cycles', { body: huge }, 413, /larger than/],
      [
        'API: a 5 MB body, chunked',
        A,
        'POST',
        '/cycles',
        {
          body: (async function* () {
            for (let i = 0; i < 5; i++) yield huge.subarray(0, 1024 * 1024);
          })(),
        },
        413,
      ],
      ['API: invalid UTF-8', A, 'POST', '/cycles', { body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }, 400, /not JSON/],
      ['API: an account not configured', A, 'POST', '/cycles', { json: { account: 'act_999' } }, 404, /account: act_999/],
      ['API: a pause reason that is a number', A, 'POST', `/cycles/${gone}/pause`, { json: { reason: 5 } }, 400, /reason/],
      ['API: a pause reason of 600 characters', A, 'POST', `/cycles/${gone}/pause`, { json: { reason: 'r'.repeat(600) } }, 400, /reason/],
      ['API: pausing a cycle that does not exist', A, 'POST', '/cycles/ad-cycle-nope/pause', { json: {} }, 404, /no cycle/],
      ['API: the status of a 2000-character cycle id', A, 'GET', `/cycles/${'x'.repeat(2000)}`, {}, /^4\d\d$/],
      ['API: a cycle id of control characters', A, 'GET', '/cycles/%00%01%7F', {}, /^4\d\d$/],
      ['API: a slot that is no number', A, 'POST', `/cycles/${gone}/slots/abc/approve`, { json: {} }, 404],
      ['API: an approver that is a number', A, 'POST', `/cycles/${gone}/slots/0/approve`, { json: { by: 7 } }, 400, /by/],
      ['API: approving in a cycle that does not exist', A, 'POST', '/cycles/ad-cycle-nope/slots/0/approve', { json: {} }, 404],
      ['API: approving a slot number beyond any integer', A, 'POST', `/cycles/${gone}/slots/99999999999999999999/approve`, { json: {} }, /^4\d\d$/],
      ['API: a next-cycle hook that is a number', A, 'POST', `/accounts/${ACCOUNT_A}/next-cycle`, { json: { hook: 5 } }, 400, /hook/],
      ['API: a next-cycle request of nothing', A, 'POST', `/accounts/${ACCOUNT_A}/next-cycle`, { json: {} }, 400, /hook/],
      [
        'API: a next-cycle hook the library lacks',
        A,
        'POST',
        `/accounts/${ACCOUNT_A}/next-cycle`,
        { json: { hook: 'no-such-hook' } },
        400,
        /hook: no-such-hook/,
      ],
      ['API: a next-cycle format that is no format', A, 'POST', `/accounts/${ACCOUNT_A}/next-cycle`, { json: { format: 'gif' } }, 400, /format/],
      ['API: pausing the launches of an unknown account', A, 'POST', '/accounts/act_999/launches/pause', {}, 404, /act_999/],
      ['API: no token', A, 'POST', '/cycles', { json: { account: ACCOUNT_A }, auth: null }, 401],
      ['API: a Basic header', A, 'POST', '/cycles', { json: { account: ACCOUNT_A }, auth: `Basic ${b64(`x:${token}`)}` }, 401],
      ['API: a 20 kB token', A, 'GET', '/report', { auth: `Bearer ${'t'.repeat(20_000)}` }, 431],
      ['API: a path that climbs out', A, 'GET', '/report/../../../etc/passwd', {}, /^4\d\d$/],
      ['codec: GET /decode', C, 'GET', '/decode', {}, 404],
      ['codec: a body that is not JSON', C, 'POST', '/decode', { body: 'payloads=1' }, 400, /not JSON/],
      ['codec: payloads that are a string', C, 'POST', '/decode', { json: { payloads: 'x' } }, 400, /payloads/],
      ['codec: a payload whose data is not base64', C, 'POST', '/decode', { json: { payloads: [{ data: '!!!' }] } }, 400, /payloads\.0\.data/],
      [
        'codec: metadata that is not base64',
        C,
        'POST',
        '/encode',
        { json: { payloads: [{ metadata: { encoding: '%%%' } }] } },
        400,
        /payloads\.0\.metadata\.encoding/,
      ],
      ['codec: a null payload', C, 'POST', '/decode', { json: { payloads: [null] } }, 400, /payloads\.0/],
      [
        'codec: an encrypted payload of 3 bytes',
        C,
        'POST',
        '/decode',
        { json: { payloads: [{ metadata: { encoding: b64('binary/encrypted'), 'encryption-key-id': b64('k1') }, data: b64('abc') }] } },
        422,
      ],
      [
        'codec: an encrypted payload of a key it does not have',
        C,
        'POST',
        '/decode',
        { json: { payloads: [{ metadata: { encoding: b64('binary/encrypted'), 'encryption-key-id': b64('k9') }, data: b64(randomBytes(64)) }] } },
        422,
        /k9/,
      ],
      [
        'codec: an encrypted payload altered',
        C,
        'POST',
        '/decode',
        { json: { payloads: [{ metadata: { encoding: b64('binary/encrypted'), 'encryption-key-id': b64('k1') }, data: b64(randomBytes(64)) }] } },
        422,
      ],
      ['codec: a browser of another origin', C, 'POST', '/decode', { json: { payloads: [] }, headers: { origin: 'https://evil.example' } }, 403],
      ['codec: a 33 MB body', C, 'POST', '/encode', { body: Buffer.alloc(33 * 1024 * 1024, ' ') }, 413],
    ];
    for (const [name, base, method, route, opts, status, mentions] of cases) {
      await hostile('HTTP endpoints', name, async () => {
        const r = await call(base, method, route, opts);
        if (typeof status === 'number') expect(r.statusCode, r.body.slice(0, 300)).toBe(status);
        else expect(String(r.statusCode), r.body.slice(0, 300)).toMatch(status);
        if (mentions) expect(r.body).toMatch(mentions);
      });
    }
    await hostile('HTTP endpoints', 'the API still answers /healthz, and a valid request still works', async () => {
      const health = await call(A, 'GET', '/healthz', { auth: null });
      expect(health.statusCode).toBe(200);
      expect(JSON.parse(health.body)).toMatchObject({ ok: true });
      expect((await call(A, 'GET', `/cycles/${gone}`)).statusCode).toBe(200);
    });
    await hostile('HTTP endpoints', 'the codec still encodes and decodes', async () => {
      const payload = { metadata: { encoding: b64('json/plain') }, data: b64('{"ok":true}') };
      const enc = await call(C, 'POST', '/encode', { json: { payloads: [payload] } });
      const dec = await call(C, 'POST', '/decode', { body: enc.body });
      expect(JSON.parse(dec.body)).toEqual({ payloads: [payload] });
    });
    await api.close();
    await codecServer.close();
    expect(unhandled('HTTP endpoints')).toEqual([]);
  });

  it('nothing escaped: no unhandled rejection or exception in this process', () => {
    expect(escaped).toEqual([]);
  });
});

/** Runs a command as a user does (node + tsx), waiting without blocking the simulators of this process. */
function runTsx(args: string[], env: Record<string, string>) {
  return runProcess(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env, timeoutMs: 60_000 });
}
