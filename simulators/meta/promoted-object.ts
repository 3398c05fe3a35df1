// What an ad set is promoted for and how its results are credited (reference 3.2, 3.2.2): the
// objective / optimization_goal / promoted_object table and attribution_spec. Traffic to a website
// takes no promoted_object; website leads are a pixel's LEAD events; sales a pixel's purchase-funnel
// events (VALUE: PURCHASE); the pixel must be one the ad account owns. Everything else is code 100.
import { ATTRIBUTION_WINDOW_DAYS, CUSTOM_EVENT_TYPES, PROMOTED_OBJECT_KEYS, SALES_EVENTS } from './enums';
import { invalidParam } from './errors';
import type { Json, Store } from './store';

const FORM_GOALS = ['LEAD_GENERATION', 'QUALITY_LEAD'];

function promotedError(message: string, userMsg: string): never {
  throw invalidParam(message, { userTitle: 'Invalid Promoted Object', userMsg });
}

/** The pixel events an ad set of this objective and goal may be promoted for; undefined: no pixel rule. */
function allowedEvents(objective: string, goal: string): readonly string[] | undefined {
  if (objective === 'OUTCOME_LEADS' && !FORM_GOALS.includes(goal)) return ['LEAD'];
  if (objective === 'OUTCOME_SALES') return goal === 'VALUE' ? ['PURCHASE'] : SALES_EVENTS;
  return undefined;
}

export interface PromotedCtx {
  store: Store;
  /** Ad account digits. */
  accountId: string;
}

export function checkPromotedObject(ctx: PromotedCtx, objective: string, goal: string, promoted: Json | undefined): void {
  if (promoted === undefined) {
    if (goal === 'OFFSITE_CONVERSIONS' || objective === 'OUTCOME_SALES') {
      promotedError(
        `promoted_object with pixel_id and custom_event_type is required for ${goal} ad sets in ${objective} campaigns.`,
        'Choose the pixel and the conversion event this ad set optimises for.',
      );
    }
    if (FORM_GOALS.includes(goal)) throw invalidParam('promoted_object with page_id is required for lead generation ad sets.');
    return;
  }
  if (objective === 'OUTCOME_TRAFFIC') {
    promotedError(
      'promoted_object is not valid for ad sets in OUTCOME_TRAFFIC campaigns.',
      'Traffic ad sets sending people to a website take no promoted_object; remove it.',
    );
  }
  const bad = Object.keys(promoted).filter((k) => !(PROMOTED_OBJECT_KEYS as readonly string[]).includes(k));
  if (bad.length > 0) throw invalidParam(`Invalid keys "${bad.join('", "')}" were found in param "promoted_object".`);
  if (FORM_GOALS.includes(goal)) {
    if (!promoted.page_id) throw invalidParam('promoted_object needs page_id for lead generation ad sets.');
    return;
  }
  const events = allowedEvents(objective, goal);
  if (!events && goal !== 'OFFSITE_CONVERSIONS') return;
  const { pixel_id: pixel, custom_event_type: event, custom_conversion_id: conversion } = promoted;
  if (pixel === undefined || !(event !== undefined || conversion !== undefined)) {
    promotedError(
      `promoted_object needs pixel_id and custom_event_type for ${goal} ad sets in ${objective} campaigns.`,
      'Choose the pixel and the conversion event this ad set optimises for.',
    );
  }
  if (typeof pixel !== 'string' && typeof pixel !== 'number') throw invalidParam('Param promoted_object[pixel_id] must be a valid pixel ID.');
  if (!ctx.store.ownsPixel(ctx.accountId, String(pixel))) {
    promotedError(
      `Param promoted_object[pixel_id] must be a valid pixel ID: pixel ${String(pixel)} does not exist or ad account act_${ctx.accountId} has no access to it.`,
      'Use a pixel this ad account owns or that is shared with it (GET /act_{id}/adspixels lists them).',
    );
  }
  if (event === undefined) return; // a custom conversion of that pixel (not simulated further)
  if (typeof event !== 'string' || !(CUSTOM_EVENT_TYPES as readonly string[]).includes(event)) {
    throw invalidParam(`Param promoted_object[custom_event_type] must be one of {${CUSTOM_EVENT_TYPES.join(', ')}}`);
  }
  if (events && !events.includes(event)) {
    promotedError(
      `The conversion event ${event} is not valid for optimization goal ${goal} in a campaign with objective ${objective}.`,
      `Use custom_event_type ${events.join(' or ')}.`,
    );
  }
}

/** The validated attribution_spec: a JSON array of {event_type, window_days}, each event type once. */
export function checkAttributionSpec(spec: unknown[]): Array<{ event_type: string; window_days: number }> {
  const seen = new Set<string>();
  return spec.map((entry, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw invalidParam(`Param attribution_spec[${i}] must be an object with event_type and window_days.`);
    }
    const { event_type: type, window_days: days, ...rest } = entry as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length > 0) throw invalidParam(`Invalid keys "${extra.join('", "')}" were found in param "attribution_spec[${i}]".`);
    const allowed = typeof type === 'string' ? ATTRIBUTION_WINDOW_DAYS[type] : undefined;
    if (!allowed) throw invalidParam(`Param attribution_spec[${i}][event_type] must be one of {${Object.keys(ATTRIBUTION_WINDOW_DAYS).join(', ')}}`);
    if (typeof days !== 'number' || !allowed.includes(days)) {
      throw invalidParam(`Param attribution_spec[${i}][window_days] must be one of {${allowed.join(', ')}} for event_type ${String(type)}.`, {
        userTitle: 'Invalid Attribution Window',
        userMsg: 'Click-through windows are 1, 7 or 28 days; view-through and engaged-view windows 1 day.',
      });
    }
    if (seen.has(type as string)) throw invalidParam(`Param attribution_spec has event_type ${String(type)} more than once.`);
    seen.add(type as string);
    return { event_type: type as string, window_days: days };
  });
}
