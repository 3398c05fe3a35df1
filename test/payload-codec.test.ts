/**
 * Payload encryption: the AES-256-GCM codec on its own (round trip, rotation, tampering, unknown
 * keys, config validation), then a real cycle on the real Temporal server with encryption on. Its
 * history, fetched without the codec, holds ciphertext only; the codec endpoint the Web UI uses
 * decodes it back to the cycle's input and result, and answers the UI's CORS preflight.
 */
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { payloadToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCodecServer } from '../client/codec-server';
import { ConfigError, loadConfig } from '../config/env';
import { freePort } from '../scripts/temporal-server';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, PayloadDecryptionError } from '../temporal-config/payload-codec';
import type { AdCycleInput, AdCycleResult } from '../workflows/ad-cycle-types';
import { startTestStack, type TestStack } from './helpers/stack';

const ENCRYPTED_ACCOUNT = 'act_7000000001';

const OLD = { id: '2025-q4', key: randomBytes(32) };
const NEW = { id: '2026-q1', key: randomBytes(32) };
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');
const plain = (value: unknown) => defaultPayloadConverter.toPayload(value);

describe('AesGcmPayloadCodec', () => {
  const secret = { accountId: 'act_1234567890', token: 'EAAB-not-for-the-server' };

  it('round-trips a payload, storing only ciphertext tagged with the encrypting key id', async () => {
    const codec = new AesGcmPayloadCodec([OLD]);
    const original = plain(secret);
    const [encrypted] = await codec.encode([original]);
    expect(text(encrypted!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encrypted!.metadata![KEY_ID_METADATA])).toBe(OLD.id);
    expect(text(encrypted!.data)).not.toContain('act_1234567890');
    // 12-byte IV + ciphertext + 16-byte tag; a fresh IV makes every encryption different.
    const [again] = await codec.encode([original]);
    expect(Buffer.from(again!.data!).equals(Buffer.from(encrypted!.data!))).toBe(false);
    const [decoded] = await codec.decode([encrypted!]);
    expect(text(decoded!.metadata!.encoding)).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(secret);
  });

  it('keeps decoding payloads of the old key after rotating to a new one', async () => {
    const before = new AesGcmPayloadCodec([OLD]);
    const after = new AesGcmPayloadCodec([NEW, OLD], NEW.id);
    const [old] = await before.encode([plain(secret)]);
    const [fresh] = await after.encode([plain(secret)]);
    expect(text(fresh!.metadata![KEY_ID_METADATA])).toBe(NEW.id);
    const decoded = await after.decode([old!, fresh!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([secret, secret]);
  });

  it('refuses a payload whose ciphertext was altered', async () => {
    const codec = new AesGcmPayloadCodec([OLD]);
    const [encrypted] = await codec.encode([plain(secret)]);
    const data = Buffer.from(encrypted!.data!);
    data[20] = data[20]! ^ 0x01;
    await expect(codec.decode([{ ...encrypted!, data }])).rejects.toThrow(PayloadDecryptionError);
    await expect(codec.decode([{ ...encrypted!, data }])).rejects.toThrow(/key id "2025-q4" failed to decrypt/);
  });

  it('names the unknown key id of a payload it has no key for', async () => {
    const [encrypted] = await new AesGcmPayloadCodec([NEW]).encode([plain(secret)]);
    await expect(new AesGcmPayloadCodec([OLD]).decode([encrypted!])).rejects.toThrow(/unknown key id "2026-q1"/);
  });

  it('leaves payloads that were never encrypted as they are', async () => {
    const original = plain('stored before encryption was switched on');
    expect(await new AesGcmPayloadCodec([OLD]).decode([original])).toEqual([original]);
  });
});

describe('PAYLOAD_ENCRYPTION_KEYS', () => {
  const load = (env: Record<string, string>) => loadConfig(env, { dotenvPath: false });
  const key = (bytes: number) => randomBytes(bytes).toString('base64');

  it('rejects a key that is not 32 bytes, naming the variable and the key id but not the key', () => {
    const short = key(31);
    let err: unknown;
    try {
      load({ PAYLOAD_ENCRYPTION_KEYS: `k1:${short}` });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      expect.stringMatching(/^PAYLOAD_ENCRYPTION_KEYS: key "k1" must be base64 of exactly 32 bytes \(it is 31 bytes/),
    ]);
    expect((err as Error).message).not.toContain(short);
  });

  it('rejects duplicate ids and an encrypting key id that is not in the list', () => {
    expect(() => load({ PAYLOAD_ENCRYPTION_KEYS: `a:${key(32)},a:${key(32)}` })).toThrow(/PAYLOAD_ENCRYPTION_KEYS: key id "a" is given twice/);
    expect(() => load({ PAYLOAD_ENCRYPTION_KEYS: `a:${key(32)}`, PAYLOAD_ENCRYPTION_KEY_ID: 'b' })).toThrow(/PAYLOAD_ENCRYPTION_KEY_ID: "b" is not a key id/);
  });

  it('encrypts with the first key by default, and not at all without keys', () => {
    const on = load({ PAYLOAD_ENCRYPTION_KEYS: `a:${key(32)}, b:${key(32)}` });
    expect(on.temporal.payloadCodec).toMatchObject({ keyId: 'a', keyIds: ['a', 'b'] });
    expect(on.temporal.dataConverter?.payloadCodecs).toEqual([on.temporal.payloadCodec]);
    // The keys stay private to the codec: nothing that prints the config shows them.
    expect(JSON.stringify(on)).not.toMatch(/"key"/);
    expect(load({}).temporal.dataConverter).toBeUndefined();
    expect(load({}).codec).toEqual({ port: 8888, host: '127.0.0.1', corsOrigins: ['http://localhost:8233'] });
  });
});

describe('an encrypted cycle on the real server', () => {
  const UI = 'http://localhost:8233';
  let stack: TestStack;
  let codecServer: { url: string; close(): Promise<void> };
  let connection: Connection;
  /** A client as any other party has it: no codec. */
  let plainClient: Client;

  beforeAll(async () => {
    // An account of its own: other tests list their account's cycles without this key.
    stack = await startTestStack({
      meta: { adAccounts: [ENCRYPTED_ACCOUNT] },
      env: {
        AD_ACCOUNT_ID: ENCRYPTED_ACCOUNT,
        PAYLOAD_ENCRYPTION_KEYS: `${OLD.id}:${OLD.key.toString('base64')},${NEW.id}:${NEW.key.toString('base64')}`,
        PAYLOAD_ENCRYPTION_KEY_ID: NEW.id,
        CODEC_CORS_ORIGINS: UI,
      },
    });
    const { payloadCodec } = stack.config.temporal;
    codecServer = await startCodecServer({ port: await freePort(), codec: payloadCodec!, corsOrigins: stack.config.codec.corsOrigins });
    connection = await Connection.connect({ address: stack.config.temporal.address });
    plainClient = new Client({ connection });
  });
  afterAll(async () => {
    await connection?.close();
    await codecServer?.close();
    await stack?.shutdown();
  });

  /** The history as the server stores it, read without the codec. */
  async function rawHistory(workflowId: string, runId: string): Promise<temporal.api.history.v1.IHistoryEvent[]> {
    const events: temporal.api.history.v1.IHistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await plainClient.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId, runId }, nextPageToken });
      events.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return events;
  }

  /** POST the UI's JSON form of `payloads` to the codec endpoint. */
  const codecCall = (path: string, body: unknown, origin = UI) =>
    fetch(`${codecServer.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin },
      body: JSON.stringify(body),
    });

  it('stores input and results encrypted, and the codec endpoint decodes them to what the codec client reads', async () => {
    const handle = await stack.startCycle({ adsPerRun: 1 });
    const result = await handle.result();
    expect(result.outcome).toBe('launched');
    const hookId = result.slots[0]!.hookId!;

    const events = await rawHistory(handle.workflowId, handle.firstExecutionRunId);
    const input = events[0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    const activityInputs = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.input?.payloads ?? []);
    const activityResults = events.flatMap((e) => e.activityTaskCompletedEventAttributes?.result?.payloads ?? []);
    const completion = events.find((e) => e.workflowExecutionCompletedEventAttributes)!.workflowExecutionCompletedEventAttributes!.result!.payloads!;
    expect(activityInputs.length).toBeGreaterThan(5);
    expect(activityResults.length).toBeGreaterThan(5);
    for (const p of [...input, ...activityInputs, ...activityResults, ...completion]) {
      expect(text(p.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
      expect(text(p.metadata![KEY_ID_METADATA])).toBe(NEW.id);
      // Neither the account nor the chosen hook can be read from the stored bytes.
      const raw = Buffer.from(p.data!);
      expect(raw.includes(ENCRYPTED_ACCOUNT)).toBe(false);
      expect(raw.includes(hookId)).toBe(false);
    }
    // In the whole history they are left in the clear only where the server must read them: the
    // workflow id and the search attributes it indexes. Memos and the Web UI summaries are encrypted too.
    const clear = events.flatMap((e, i) => placesHolding(e, [ENCRYPTED_ACCOUNT, hookId], `event ${i + 1}`));
    expect(clear.length).toBeGreaterThan(0);
    expect(clear.filter((place) => !/\.(workflowId|searchAttributes\..*)$/.test(place))).toEqual([]);
    // A client without the codec cannot read the result at all.
    await expect(plainClient.workflow.getHandle(handle.workflowId).result()).rejects.toThrow(/binary\/encrypted/);

    // The Web UI's way: the raw payloads in their proto JSON form (metadata and data base64) through POST /decode.
    const res = await codecCall('/decode', { payloads: input.map((p) => payloadToJSON(p)) });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
    const decodedInput = ((await res.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> }).payloads;
    expect(Buffer.from(decodedInput[0]!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(decodedInput[0]!.data, 'base64').toString()) as AdCycleInput).toMatchObject({ accountId: ENCRYPTED_ACCOUNT, adsPerRun: 1 });

    const decodedResult = await (await codecCall('/decode', { payloads: completion.map((p) => payloadToJSON(p)) })).json();
    const viaEndpoint = JSON.parse(
      Buffer.from((decodedResult as { payloads: Array<{ data: string }> }).payloads[0]!.data, 'base64').toString(),
    ) as AdCycleResult;
    expect(viaEndpoint).toEqual(result);
    expect(viaEndpoint.slots[0]!.hookId).toBe(hookId);
  });

  it('answers the Web UI preflight for its origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${codecServer.url}/decode`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
      });
    const ok = await preflight(UI);
    expect(ok.status).toBe(204);
    expect(Object.fromEntries([...ok.headers].filter(([k]) => k.startsWith('access-control-')))).toEqual({
      'access-control-allow-origin': UI,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type,x-namespace,authorization',
      'access-control-allow-credentials': 'true',
      'access-control-max-age': '600',
    });
    const refused = await preflight('http://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect((await codecCall('/decode', { payloads: [] }, 'http://evil.example')).status).toBe(403);
  });

  it('answers 400 naming the bad field, and 422 naming a key id it does not have', async () => {
    const bad = await codecCall('/decode', { payloads: [{ metadata: { encoding: 'YmluYXJ5L2VuY3J5cHRlZA==' }, data: 'not base64!' }] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ problems: ['payloads.0.data: must be base64'] });
    const [foreign] = await new AesGcmPayloadCodec([{ id: 'someone-else', key: randomBytes(32) }]).encode([plain('x')]);
    const unknown = await codecCall('/decode', { payloads: [payloadToJSON(foreign!)] });
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/unknown key id "someone-else"/);
  });
});

/** The paths in `o` whose strings or bytes contain one of `needles` in the clear. */
function placesHolding(o: unknown, needles: string[], path: string): string[] {
  if (typeof o === 'string' || o instanceof Uint8Array) {
    const t = typeof o === 'string' ? o : Buffer.from(o).toString('latin1');
    return needles.some((n) => t.includes(n)) ? [path] : [];
  }
  if (!o || typeof o !== 'object') return [];
  return Object.entries(o).flatMap(([k, v]) => placesHolding(v, needles, `${path}.${k}`));
}
