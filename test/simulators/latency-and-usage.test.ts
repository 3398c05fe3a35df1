/**
 * The simulators' benchmark options (used by `npm run bench:scale`): `latencyMs` holds each API
 * answer (never an admin one), and the Meta simulator reports the peak usage its headers carried.
 * Only lower bounds on time are asserted, so a busy machine cannot fail these.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startKieSimulator, type KieSimulator } from '../../simulators/kie';
import { startMetaSimulator, type MetaSimulator } from '../../simulators/meta';

const opened: Array<MetaSimulator | KieSimulator> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

async function timed(url: string, init?: RequestInit): Promise<{ ms: number; status: number; body: unknown }> {
  const t0 = performance.now();
  const res = await fetch(url, init);
  const body = await res.json();
  return { ms: performance.now() - t0, status: res.status, body };
}

describe('latencyMs', () => {
  it('makes every Meta Graph answer wait at least its minimum, and no admin answer', async () => {
    const meta = await startMetaSimulator({ timeScale: 0, seed: 7, latencyMs: [120, 150] });
    opened.push(meta);
    const read = await timed(`${meta.url}/v26.0/act_1234567890?fields=name&access_token=sim-meta-token`);
    expect(read.status).toBe(200);
    expect(read.ms).toBeGreaterThanOrEqual(115);
    const admin = await timed(`${meta.url}/__sim/calls`);
    expect(admin.status).toBe(200);
  });

  it('makes every Kie answer wait at least its minimum', async () => {
    const kie = await startKieSimulator({ seed: 7, latencyMs: [120, 150] });
    opened.push(kie);
    const credit = await timed(`${kie.url}/api/v1/chat/credit`, { headers: { authorization: 'Bearer sim-kie-key' } });
    expect(credit.body).toMatchObject({ code: 200 });
    expect(credit.ms).toBeGreaterThanOrEqual(115);
  });

  it('refuses a range whose minimum is above its maximum', async () => {
    await expect(startMetaSimulator({ latencyMs: [10, 5] })).rejects.toThrow(/latencyMs/);
    await expect(startKieSimulator({ latencyMs: [-1, 5] })).rejects.toThrow(/latencyMs/);
  });
});

describe('GET /__sim/usage', () => {
  it('keeps the highest BUC and app usage the answers reported, per account and bucket, until DELETE', async () => {
    const meta = await startMetaSimulator({ timeScale: 0, seed: 7, rateLimit: { maxScore: 10 } });
    opened.push(meta);
    for (let i = 0; i < 3; i++) await fetch(`${meta.url}/v26.0/act_1234567890/campaigns?fields=name&access_token=sim-meta-token`);
    const usage = (await timed(`${meta.url}/__sim/usage`)).body as {
      responses: number;
      businessUseCase: Record<string, Record<string, { call_count: number }>>;
    };
    expect(usage.responses).toBe(3);
    const buckets = Object.values(usage.businessUseCase)[0]!;
    expect(buckets.ads_management!.call_count).toBe(30); // 3 read points of 10
    await fetch(`${meta.url}/__sim/usage`, { method: 'DELETE' });
    expect((await timed(`${meta.url}/__sim/usage`)).body).toMatchObject({ responses: 0, businessUseCase: {} });
  });
});
