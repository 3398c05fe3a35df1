/**
 * Every id, key and name derived from a creative, in one place: the ledger, the Kie accounting,
 * the duplicate sweep and the launch all find the same rows and Meta objects by them, so a rename
 * here is a rename everywhere (and a change breaks the lookups of objects made before it).
 */

/** A creative's id: one slot of one cycle (the cycle id is the workflow id). */
export const creativeIdOf = (cycleId: string, slot: number) => `${cycleId}:s${slot}`;

/** The Meta objects a launch creates for a creative, in the order it creates them. */
export type MetaObjectKind = 'campaign' | 'adset' | 'video' | 'creative' | 'ad';

/** Deterministic Meta object name: the account, cycle, slot and hook are all readable in Ads Manager. */
export const metaName = (creativeId: string, hookId: string, kind: string) => `maa|${creativeId}|hook=${hookId}|${kind}`;

/** Ledger key of the create of one of a creative's Meta objects. */
export const metaEffectKey = (creativeId: string, kind: MetaObjectKind) => `${creativeId}:meta.${kind}`;

/** The ledger entry of one Meta create: its key, kind and the name a retry looks it up by. */
export function metaEffect(accountId: string, creativeId: string, hookId: string, kind: MetaObjectKind) {
  return { key: metaEffectKey(creativeId, kind), accountId, kind: `meta.${kind}`, name: metaName(creativeId, hookId, kind) };
}

/** Every ledger key of one creative starts with this (the sweep after its launch looks at those only). */
export const creativeKeyPrefix = (creativeId: string) => `${creativeId}:`;

/** Key of a creative's paid Kie generation (generation_tasks.key). */
export const kieTaskKey = (creativeId: string, kind: 'image' | 'video') => `${creativeId}:kie.${kind}`;

/** Key of one budget edit: at most one per ad set per cycle, so a retried raise finishes the same edit. */
export const budgetEditKey = (cycleId: string, adsetId: string) => `${cycleId}:${adsetId}:budget`;

/** The folder of an account's rendered files (a safe file name). */
export const accountFolder = (accountId: string) => accountId.replace(/[^\w-]/g, '_');

/** A creative's rendered file name (`png` or `mp4`). */
export const creativeFileName = (creativeId: string, ext: 'png' | 'mp4') => `${creativeId.replace(/[^\w.-]/g, '_')}.${ext}`;

/** The name a creative's picture is uploaded to Meta under. */
export const imageUploadName = (creativeId: string) => `${creativeId.replace(/[^\w-]/g, '_')}.png`;
