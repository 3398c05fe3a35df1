/**
 * Secret hygiene: real cycles run with recognisable canary secrets (a Meta token given as
 * FB_ACCESS_TOKEN and one through an accounts-file token reference, the Kie key, the webhook HMAC
 * key, the callback token secret, the API token and the payload encryption key), then everything
 * the agent leaves behind is scanned for them, decoded: every workflow history of those cycles
 * (each payload through the codec and the default payload converter: inputs, results, memo,
 * search attributes, failures with their stack traces, user metadata), every log line (the
 * Temporal runtime's, the callback endpoint's, the stdout and stderr of `npm run cycle` and
 * `npm run report`), every row of every table of the performance DB, every file of the data
 * folder (creatives, the DB files, the report) and the Meta simulator's state file, and what the
 * API answered. No canary may appear, raw, base64 or URL-encoded.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { Runtime, type LogEntry } from '@temporalio/worker';
import Database from 'better-sqlite3';
import got from 'got';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '../client/api-server';
import { startCallbackServer } from '../client/callback-server';
import { scheduledAccount } from '../client/schedule-ops';
import { servedReport } from '../report/reports';
import { freePort } from '../scripts/temporal-server';
import { statusQuery } from '../workflows/ad-cycle';
import { runProcess } from './helpers/process';
import { startTestStack, type TestStack } from './helpers/stack';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ACCOUNT_A = 'act_7100000001'; // its token through {"file": ...} in the accounts file
const ACCOUNT_B = 'act_7100000002'; // no token of its own: FB_ACCESS_TOKEN

// '/', '+' and '=' make the URL-encoded forms differ from the raw ones.
const PAYLOAD_KEY = Buffer.from('CANARY-pek-7f3a9c2e51d8b4a6f0e1d'); // exactly 32 bytes: an AES-256 key
const CANARIES: Record<string, string> = {
  FB_ACCESS_TOKEN: 'CANARY-meta-7f3a/9c+2e=51d8b4a6',
  'accounts-file token': 'CANARY-metaref-c41e/0b+9d=77a2f3',
  KIE_API_KEY: 'CANARY-kie-3b8d/e1+f6=09c4a7',
  KIE_WEBHOOK_HMAC_KEY: 'CANARY-hmac-5e2f/a9+c3=d71b08',
  CALLBACK_TOKEN_SECRET: 'CANARY-cbsecret-9a1c/77+e0=4f2b',
  API_TOKEN: 'CANARY-api-2d6e/b4+a8=c15f93',
  'PAYLOAD_ENCRYPTION_KEYS (key bytes)': PAYLOAD_KEY.toString('latin1'),
  'PAYLOAD_ENCRYPTION_KEYS (value)': PAYLOAD_KEY.toString('base64'),
};

/** Every form a canary could take on its way out: raw, base64 (both alphabets), URL- and form-encoded, JSON-escaped. */
function formsOf(secret: string): Map<string, Buffer> {
  const forms = new Map<string, Buffer>();
  const add = (form: string, text: string) => {
    if (![...forms.values()].some((b) => b.toString('latin1') === text)) forms.set(form, Buffer.from(text, 'latin1'));
  };
  const bytes = Buffer.from(secret, 'latin1');
  add('raw', secret);
  add('base64', bytes.toString('base64'));
  add('base64 (unpadded)', bytes.toString('base64').replace(/=+$/, ''));
  add('base64url', bytes.toString('base64url'));
  add('URL-encoded', encodeURIComponent(secret));
  add('form-encoded', new URLSearchParams({ v: secret }).toString().slice(2));
  add('JSON-escaped', JSON.stringify(secret).slice(1, -1));
  return forms;
}

interface Hit {
  place: string;
  canary: string;
  form: string;
  excerpt: string;
}

/** Counts what it scans and records every canary it finds. */
class Scanner {
  places = 0;
  bytes = 0;
  readonly hits: Hit[] = [];
  readonly byKind = new Map<string, { places: number; bytes: number }>();
  private readonly needles = Object.entries(CANARIES).flatMap(([canary, secret]) => [...formsOf(secret)].map(([form, needle]) => ({ canary, form, needle })));

  scan(kind: string, place: string, data: string | Uint8Array | undefined | null): void {
    if (data === undefined || data === null) return;
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.isBuffer(data) ? data : Buffer.from(Array.from(data));
    this.places++;
    this.bytes += buf.length;
    const k = this.byKind.get(kind) ?? { places: 0, bytes: 0 };
    k.places++;
    k.bytes += buf.length;
    this.byKind.set(kind, k);
    for (const { canary, form, needle } of this.needles) {
      const at = buf.indexOf(needle);
      if (at >= 0)
        this.hits.push({ place: `${kind}: ${place}`, canary, form, excerpt: buf.subarray(Math.max(0, at - 80), at + needle.length + 80).toString('utf8') });
    }
  }
}

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
const isPayload = (v: Record<string, unknown>): boolean =>
  typeof v.metadata === 'object' &&
  v.metadata !== null &&
  Object.values(v.metadata).every(isBytes) &&
  (v.data === undefined || v.data === null || isBytes(v.data));

let stack: TestStack;
let api: { url: string; close(): Promise<void> };
let callbacks: { url: string; close(): Promise<void> };
const logs: string[] = [];
const logLine = (entry: LogEntry) =>
  logs.push(inspect(entry, { depth: 30, breakLength: Infinity, maxArrayLength: Infinity, maxStringLength: Infinity, getters: false }));
const secretsDir = mkdtempSync(path.join(os.tmpdir(), 'maa-secrets-'));
const stateFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'maa-metasim-')), 'meta-simulator.json');

const spawnTsx = (args: string[], env: Record<string, string>) =>
  runProcess(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env, timeoutMs: 90_000 });

beforeAll(async () => {
  // The accounts file names where A's token is; the token itself lives in a file of its own (not scanned: it IS the secret).
  writeFileSync(path.join(secretsDir, 'meta-token.txt'), `${CANARIES['accounts-file token']}\n`);
  const entry = (id: string) => ({ id, pageId: '122100000000000001', customAudienceIds: ['238400000000000001'], countries: ['US'] });
  writeFileSync(
    path.join(secretsDir, 'accounts.json'),
    JSON.stringify({
      accounts: [
        { ...entry(ACCOUNT_A), token: { file: 'meta-token.txt' }, hookLibrary: path.join(ROOT, 'hooks/library.json') },
        { ...entry(ACCOUNT_B), hookLibrary: path.join(ROOT, 'hooks/library.json') },
      ],
    }),
  );
  // Our own callback endpoint, verifying Kie's HMAC signature with the canary key, its log captured.
  const callbackPort = await freePort();
  stack = await startTestStack({
    logSink: logLine,
    meta: { accessTokens: [CANARIES.FB_ACCESS_TOKEN!, CANARIES['accounts-file token']!], adAccounts: [ACCOUNT_A, ACCOUNT_B], stateFile },
    kie: { apiKeys: { [CANARIES.KIE_API_KEY!]: 100_000 }, webhookHmacKey: CANARIES.KIE_WEBHOOK_HMAC_KEY },
    env: {
      ACCOUNTS_FILE: path.join(secretsDir, 'accounts.json'),
      FB_ACCESS_TOKEN: CANARIES.FB_ACCESS_TOKEN!,
      KIE_API_KEY: CANARIES.KIE_API_KEY!,
      KIE_WEBHOOK_HMAC_KEY: CANARIES.KIE_WEBHOOK_HMAC_KEY!,
      CALLBACK_TOKEN_SECRET: CANARIES.CALLBACK_TOKEN_SECRET!,
      API_TOKEN: CANARIES.API_TOKEN!,
      PAYLOAD_ENCRYPTION_KEYS: `canary-key:${PAYLOAD_KEY.toString('base64')}`,
      KIE_CALLBACK_URL: `http://127.0.0.1:${callbackPort}/kie/callback`,
    },
  });
  // The helper installs the runtime logger at WARN; this test wants every line the runtime logs (TRACE and up).
  (Runtime.instance().logger as unknown as { severity: number }).severity = 0;
  const { config } = stack;
  callbacks = await startCallbackServer({
    port: callbackPort,
    client: stack.env.client,
    hmacKey: config.callbacks.hmacKey,
    tokenSecret: config.callbacks.tokenSecret,
    log: (msg, fields) => logs.push(`callback endpoint: ${msg} ${inspect(fields, { depth: 10, breakLength: Infinity })}`),
  });
  api = await startApiServer({
    port: 0,
    token: config.api.token!,
    client: stack.env.client,
    accounts: () => config.accounts.map(scheduledAccount),
    checkDb: () => void stack.activities.db.$client.prepare('select count(*) from cycles').get(),
    report: servedReport(
      () => stack.activities.db,
      () => config,
    ),
  });
});
afterAll(async () => {
  await api?.close();
  await callbacks?.close();
  await stack?.shutdown();
});

describe('secret hygiene', () => {
  it('leaves no canary secret in histories, logs, the DB, the files, the report or the API answers', async () => {
    const { config, env } = stack;
    expect(config.accounts.map((a) => a.meta.accessToken)).toEqual([CANARIES['accounts-file token'], CANARIES.FB_ACCESS_TOKEN]);
    const answers: string[] = [];
    const apiCall = async (method: 'GET' | 'POST', route: string, json?: object) => {
      const r = await got(`${api.url}${route}`, { method, json, throwHttpErrors: false, headers: { authorization: `Bearer ${config.api.token!}` } });
      answers.push(`${method} ${route} -> ${r.statusCode} ${r.body}`);
      return r;
    };

    // 1. An image cycle started over the API; 2. a video cycle (Kie's signed callback relayed);
    // 3. a cycle through the approval gate, approved over the API.
    const started = await apiCall('POST', '/cycles', { account: ACCOUNT_A, ads: 1, format: 'image' });
    expect(started.statusCode, started.body).toBe(202);
    const imageId = (JSON.parse(started.body) as { workflowId: string }).workflowId;
    const video = await stack.startCycle({ accountId: ACCOUNT_A, format: 'video' });
    const gated = await stack.startCycle({ accountId: ACCOUNT_B, format: 'image', approval: { timeout: '10m', onTimeout: 'skip' } });
    await expect.poll(async () => (await gated.query(statusQuery)).slots[0]?.status, { timeout: 60_000, interval: 300 }).toBe('awaiting_approval');
    expect((await apiCall('POST', `/cycles/${gated.workflowId}/slots/0/approve`, { by: 'secret-hygiene' })).statusCode).toBe(200);
    const [imageResult, videoResult, gatedResult] = await Promise.all([env.client.workflow.getHandle(imageId).result(), video.result(), gated.result()]);
    expect(imageResult.outcome).toBe('launched');
    expect(videoResult.slots[0]).toMatchObject({ format: 'video', status: 'launched' });
    expect(gatedResult.slots[0]).toMatchObject({ status: 'launched', approval: { approved: true } });
    expect(stack.kie.callbacks().length).toBeGreaterThan(0);

    // 4. Kie refuses the image task (a slot fails, the cycle completes); 5. Meta answers 190 to
    // B's insights: a failed cycle, run by `npm run cycle` as a process logging at debug level.
    stack.kie.injectFault({ match: { path: '/jobs/createTask' }, kind: 'code', code: 422, msg: 'input.prompt is not allowed' });
    stack.meta.injectFault({ match: { path: `/${ACCOUNT_B}/insights` }, kind: 'error', code: 190, subcode: 463, message: 'Error validating access token' });
    const kieFailed = await stack.startCycle({ accountId: ACCOUNT_A, format: 'image' });
    const cycleProcess = spawnTsx(['workers/cycle.ts', '--account', ACCOUNT_B], { ...stack.envVars, LOG_LEVEL: 'debug', LOG_FORMAT: 'json' });
    const kieResult = await kieFailed.result();
    expect(kieResult.slots[0]).toMatchObject({ status: 'generation_failed' });
    const failed = await cycleProcess;
    expect(failed.status, failed.stderr).toBe(1);
    const failedLine = JSON.parse(failed.stdout.trim()) as { workflowId: string; cause: { type: string } };
    expect(failedLine.cause.type).toBe('MetaAuthorizationError');

    // The report, as a user makes it.
    const reportFile = path.join(config.dataDir, 'report', 'index.html');
    const report = await spawnTsx(['report/main.ts', '--out', reportFile], stack.envVars);
    expect(report.status, report.stderr).toBe(0);
    await apiCall('GET', '/report');
    await apiCall('GET', `/report/${ACCOUNT_A}`);
    await apiCall('GET', `/cycles/${imageId}`);
    await apiCall('GET', '/healthz');

    const scanner = new Scanner();

    // Every workflow of those accounts on the server (visibility may lag: the ids we know are waited for).
    const known = [imageId, video.workflowId, gated.workflowId, kieFailed.workflowId, failedLine.workflowId];
    const listed = async () => {
      const ids: string[] = [];
      for await (const w of env.client.workflow.list({ query: `AdAccountId IN ('${ACCOUNT_A}', '${ACCOUNT_B}')` })) ids.push(w.workflowId);
      return ids;
    };
    let listedIds: string[] = [];
    await expect
      .poll(
        async () => {
          listedIds = await listed();
          return known.filter((id) => !listedIds.includes(id));
        },
        { timeout: 30_000, interval: 500 },
      )
      .toEqual([]);
    const workflowIds = [...new Set([...known, ...listedIds])];
    const codec = config.temporal.payloadCodec!;
    let payloads = 0;
    for (const id of workflowIds) {
      const history = await env.client.workflow.getHandle(id).fetchHistory();
      const walk = async (node: unknown, where: string): Promise<void> => {
        if (node === null || node === undefined) return;
        if (typeof node === 'string') return scanner.scan('history', where, node);
        if (isBytes(node)) return scanner.scan('history', where, node);
        if (typeof node !== 'object') return;
        if (Array.isArray(node)) {
          for (const [i, v] of node.entries()) await walk(v, `${where}[${i}]`);
          return;
        }
        const obj = node as Record<string, unknown>;
        if (isPayload(obj)) {
          payloads++;
          const raw = obj as unknown as Payload;
          for (const [k, v] of Object.entries(raw.metadata ?? {})) scanner.scan('history', `${where}.metadata.${k}`, v);
          scanner.scan('history', `${where}.data`, raw.data);
          const [decoded] = await codec.decode([raw]);
          scanner.scan('history (decrypted)', `${where}.data`, decoded!.data);
          const value: unknown = defaultPayloadConverter.fromPayload(decoded!);
          scanner.scan('history (decoded)', where, inspect(value, { depth: 50, breakLength: Infinity, maxArrayLength: Infinity, maxStringLength: Infinity }));
          return;
        }
        for (const [k, v] of Object.entries(obj)) await walk(v, `${where}.${k}`);
      };
      for (const [i, event] of (history.events ?? []).entries()) await walk(event, `${id}#${i}`);
      // What describe shows (memo, search attributes), decoded by the client.
      const described = await env.client.workflow.getHandle(id).describe();
      scanner.scan(
        'describe',
        id,
        inspect({ memo: await described.memo, sa: described.typedSearchAttributes, raw: described.raw }, { depth: 50, breakLength: Infinity }),
      );
    }
    expect(payloads).toBeGreaterThan(50);

    // Every log line: the runtime's (workers, activities, workflows), the callback endpoint's, the processes'.
    for (const [i, line] of logs.entries()) scanner.scan('log (runtime, callback endpoint)', `#${i}`, line);
    for (const [name, p] of [
      ['npm run cycle', failed],
      ['npm run report', report],
    ] as const) {
      scanner.scan(`process output`, `${name} stdout`, p.stdout);
      p.stderr.split('\n').forEach((line, i) => scanner.scan('process output', `${name} stderr line ${i + 1}`, line));
    }
    expect(failed.stderr.split('\n').length).toBeGreaterThan(5); // the debug-level process did log
    for (const [i, a] of answers.entries()) scanner.scan('API answer', `#${i}`, a);

    // Every table of the performance DB, all columns.
    const db = new Database(config.dbPath, { readonly: true });
    try {
      const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>;
      for (const { name } of tables) {
        for (const [i, row] of (db.prepare(`select * from "${name}"`).all() as Array<Record<string, unknown>>).entries()) {
          for (const [col, v] of Object.entries(row)) scanner.scan('DB', `${name}[${i}].${col}`, isBytes(v) ? v : String(v));
        }
      }
      expect(tables.length).toBeGreaterThan(5);
    } finally {
      db.close();
    }

    // Every file of the data folder (creatives, report pages, the DB and its journal) and the simulator's state file.
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => (statSync(path.join(dir, n)).isDirectory() ? files(path.join(dir, n)) : [path.join(dir, n)]));
    const dataFiles = files(config.dataDir);
    expect(dataFiles.some((f) => f.endsWith('.png'))).toBe(true);
    expect(dataFiles.some((f) => f.endsWith('.mp4'))).toBe(true);
    expect(dataFiles.filter((f) => f.endsWith('.html')).length).toBeGreaterThanOrEqual(3);
    for (const f of [...dataFiles, stateFile])
      scanner.scan(f.endsWith('.html') ? 'report' : f === stateFile ? 'Meta simulator state' : 'data file', f, readFileSync(f));

    // The control: the same scanner does find every canary where it is meant to be (the environment, the token file).
    const control = new Scanner();
    control.scan('control', 'environment', JSON.stringify(stack.envVars));
    control.scan('control', 'token file', readFileSync(path.join(secretsDir, 'meta-token.txt')));
    control.scan('control', 'key bytes', PAYLOAD_KEY);
    expect(new Set(control.hits.map((h) => h.canary))).toEqual(new Set(Object.keys(CANARIES)));

    const summary = [...scanner.byKind].map(([k, v]) => `${k}: ${v.places} places, ${v.bytes} bytes`).join('; ');
    console.log(
      `secret hygiene: ${Object.keys(CANARIES).length} canaries, ${Object.values(CANARIES).reduce((n, c) => n + formsOf(c).size, 0)} forms of them, ` +
        `${workflowIds.length} histories (${payloads} payloads), ${logs.length} runtime/callback log lines; ` +
        `${scanner.places} places, ${scanner.bytes} bytes scanned, ${scanner.hits.length} hits\n  ${summary}`,
    );
    expect(scanner.hits.map((h) => `${h.canary} (${h.form}) in ${h.place}: …${h.excerpt}…`)).toEqual([]);
  });
});
