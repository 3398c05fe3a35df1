// Targeting spec validation (reference 3.2.1). The rules that bit real integrations are strict
// here: a geo location is required (1885364), advantage_audience must be stated as 0 or 1
// (1870227), Advantage+ audience forces age_max 65, custom audiences must exist, and the
// Instagram `explore` placement is refused from v26.0.
import { DEVICE_PLATFORMS, EU_COUNTRIES, FACEBOOK_POSITIONS, INSTAGRAM_POSITIONS, PUBLISHER_PLATFORMS } from './enums';
import { invalidParam } from './errors';
import type { Json, Store } from './store';

const GEO_KEYS = [
  'countries',
  'regions',
  'cities',
  'zips',
  'country_groups',
  'custom_locations',
  'geo_markets',
  'places',
  'electoral_districts',
  'subcities',
  'neighborhoods',
  'metro_areas',
  'large_geo_areas',
  'medium_geo_areas',
];

function stringList(spec: Json, key: string, allowed?: string[]): string[] | undefined {
  const v = spec[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw invalidParam(`Param targeting[${key}] must be an array of strings.`);
  }
  const list = v as string[];
  if (allowed) {
    const bad = list.find((x) => !allowed.includes(x));
    if (bad !== undefined) throw invalidParam(`Param targeting[${key}] contains an invalid value: ${bad}.`);
  }
  return list;
}

function age(spec: Json, key: 'age_min' | 'age_max'): number | undefined {
  const v = spec[key];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 18 || n > 65) {
    throw invalidParam(`Param targeting[${key}] must be an integer between 18 and 65.`);
  }
  return n;
}

function audienceIds(spec: Json, key: string, store: Store): void {
  const v = spec[key];
  if (v === undefined) return;
  if (!Array.isArray(v)) throw invalidParam(`Param targeting[${key}] must be an array of {"id": ...} objects.`);
  const ids = v.map((x) => (typeof x === 'object' && x !== null ? (x as Json).id : x));
  const missing = ids.filter((id) => typeof id !== 'string' && typeof id !== 'number').length
    ? ['(malformed entry)']
    : ids.map(String).filter((id) => !store.audiences.has(id));
  if (missing.length > 0) {
    throw invalidParam(`Invalid custom audience id(s) in targeting[${key}]: ${missing.join(', ')}`, {
      userTitle: 'Custom Audience Unavailable',
      userMsg: 'One or more custom audiences do not exist or cannot be used by this ad account.',
    });
  }
}

export interface TargetingResult {
  targeting: Json;
  targetsEu: boolean;
}

export function validateTargeting(raw: unknown, store: Store, versionNum: number): TargetingResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalidParam('Param targeting must be a JSON object.');
  }
  const spec = structuredClone(raw) as Json;
  const geo = spec.geo_locations as Json | undefined;
  const hasGeo = typeof geo === 'object' && geo !== null && GEO_KEYS.some((k) => Array.isArray(geo[k]) && (geo[k] as unknown[]).length > 0);
  if (!hasGeo) {
    throw invalidParam('Your audience is missing a location. You can add a location or a Custom Audience.', {
      subcode: 1885364,
      userTitle: 'Missing Target Location',
      userMsg: 'Add at least one location to targeting.geo_locations (for example countries: ["US"]).',
    });
  }
  const countries = stringList(geo as Json, 'countries') ?? [];
  const badCountry = countries.find((c) => !/^[A-Z]{2}$/.test(c));
  if (badCountry) throw invalidParam(`Invalid country code in targeting[geo_locations][countries]: ${badCountry}`);

  const automation = spec.targeting_automation as Json | undefined;
  const advantage = automation?.advantage_audience;
  if (advantage !== 0 && advantage !== 1) {
    throw invalidParam('Advantage audience flag required', {
      subcode: 1870227,
      userTitle: 'Advantage+ Audience Setting Required',
      userMsg:
        'To create your ad set, you need to enable or disable the Advantage audience feature: set ' +
        'targeting.targeting_automation.advantage_audience to 1 or 0.',
    });
  }
  const ageMin = age(spec, 'age_min') ?? 18;
  const ageMax = age(spec, 'age_max');
  if (advantage === 1 && ageMax !== undefined && ageMax !== 65) {
    throw invalidParam('When Advantage+ audience is on, age_max must be 65; your age range becomes a suggestion.', {
      userTitle: 'Age Maximum Must Be 65',
      userMsg: 'With advantage_audience=1 set targeting.age_max to 65 (or omit it).',
    });
  }
  if (ageMax !== undefined && ageMax < ageMin) throw invalidParam('targeting age_min must be <= age_max.');
  spec.age_min = ageMin;
  spec.age_max = ageMax ?? 65;

  const genders = spec.genders;
  if (genders !== undefined && (!Array.isArray(genders) || genders.some((g) => g !== 1 && g !== 2))) {
    throw invalidParam('Param targeting[genders] must be an array containing 1 (male) and/or 2 (female).');
  }
  audienceIds(spec, 'custom_audiences', store);
  audienceIds(spec, 'excluded_custom_audiences', store);

  stringList(spec, 'publisher_platforms', PUBLISHER_PLATFORMS);
  stringList(spec, 'facebook_positions', FACEBOOK_POSITIONS);
  stringList(spec, 'device_platforms', DEVICE_PLATFORMS);
  const ig = stringList(spec, 'instagram_positions', INSTAGRAM_POSITIONS);
  if (ig?.includes('explore') && versionNum >= 26) {
    throw invalidParam('The Instagram Explore placement (explore) is deprecated since v26.0; remove it from instagram_positions.', {
      userTitle: 'Placement No Longer Available',
      userMsg: 'Remove "explore" from targeting.instagram_positions.',
    });
  }
  const messenger = stringList(spec, 'messenger_positions');
  if (messenger && versionNum >= 26) spec.messenger_positions = messenger.filter((p) => p !== 'story');

  const targetsEu =
    countries.some((c) => EU_COUNTRIES.has(c)) || (stringList(geo as Json, 'country_groups') ?? []).some((g) => ['eu', 'europe', 'worldwide'].includes(g));
  return { targeting: spec, targetsEu };
}
