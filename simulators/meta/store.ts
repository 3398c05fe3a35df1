// In-memory object graph: accounts own campaigns -> ad sets -> ads, plus creatives, images,
// videos and async report runs. Fields Meta exposes keep Meta's snake_case names; simulator
// bookkeeping (kind, accountId, timestamps in sim ms) is camelCase.

export type Kind = 'campaign' | 'adset' | 'adcreative' | 'ad' | 'adimage' | 'advideo';
export type ConfiguredStatus = 'ACTIVE' | 'PAUSED' | 'ARCHIVED' | 'DELETED';
export type Json = Record<string, unknown>;

interface Common {
  id: string;
  /** Digits only, without the act_ prefix. */
  accountId: string;
  createdAt: number;
  updatedAt: number;
}

export interface Campaign extends Common {
  kind: 'campaign';
  name: string;
  objective: string;
  status: ConfiguredStatus;
  special_ad_categories: string[];
  special_ad_category_country?: string[];
  buying_type: string;
  daily_budget?: number;
  lifetime_budget?: number;
  bid_strategy?: string;
  is_adset_budget_sharing_enabled?: boolean;
  spend_cap?: number;
  start_time?: number;
  stop_time?: number;
  promoted_object?: Json;
}

export interface AdSet extends Common {
  kind: 'adset';
  campaign_id: string;
  name: string;
  status: ConfiguredStatus;
  billing_event: string;
  optimization_goal: string;
  bid_strategy?: string;
  bid_amount?: number;
  daily_budget?: number;
  lifetime_budget?: number;
  start_time?: number;
  end_time?: number;
  targeting: Json;
  promoted_object?: Json;
  destination_type?: string;
  attribution_spec?: unknown;
  dsa_beneficiary?: string;
  dsa_payor?: string;
  frequency_control_specs?: unknown;
  /** Sim times of accepted budget edits, for the 4-per-hour rule. */
  budgetEdits: number[];
  budgetBlockedUntil?: number;
}

export interface AdCreative extends Common {
  kind: 'adcreative';
  name?: string;
  object_story_spec: Json;
  url_tags?: string;
  degrees_of_freedom_spec?: unknown;
  status: 'ACTIVE' | 'DELETED';
}

export interface Review {
  /** Sim time when review finishes. */
  until: number;
  outcome: 'approved' | 'disapproved';
}

export interface Ad extends Common {
  kind: 'ad';
  adset_id: string;
  campaign_id: string;
  name: string;
  status: ConfiguredStatus;
  creative_id: string;
  tracking_specs?: unknown;
  conversion_domain?: string;
  review: Review;
}

export interface AdImage extends Common {
  kind: 'adimage';
  hash: string;
  name: string;
  width?: number;
  height?: number;
  status: 'ACTIVE' | 'DELETED';
}

export interface UploadSession {
  id: string;
  fileSize: number;
  received: number;
}

export interface AdVideo extends Common {
  kind: 'advideo';
  title?: string;
  description?: string;
  /** Set when the bytes are complete; processing runs from here. */
  uploadedAt?: number;
  readyAt?: number;
  fails: boolean;
  session?: UploadSession;
  sizeBytes: number;
  deleted: boolean;
}

export interface ReportRun extends Common {
  kind: 'reportrun';
  /** The insights query, replayed when the report's results are read. */
  query: Record<string, unknown>;
  scopeId: string;
  completesAt: number;
}

export type SimObject = Campaign | AdSet | AdCreative | Ad | AdImage | AdVideo | ReportRun;
export type ObjectOf<K extends SimObject['kind']> = Extract<SimObject, { kind: K }>;

export interface Account {
  id: string;
  accountId: string;
  name: string;
}

export class Store {
  readonly objects = new Map<string, SimObject>();
  readonly accounts = new Map<string, Account>();
  readonly pages = new Set<string>();
  readonly audiences = new Map<string, { id: string; name: string }>();
  /** Pixel id -> the account digits that own it (seeded; pixels cannot be created through the API here). */
  readonly pixels = new Map<string, Set<string>>();
  /** Pixels every ad account owns, also those registered later. */
  private readonly sharedPixels: string[] = [];
  private lastId: bigint;

  constructor(seed: number, accounts: string[], pages: string[], audiences: string[]) {
    // Real campaign/ad set/ad ids are ~18 digits starting 1202...; keep them increasing.
    this.lastId = 120210000000000000n + BigInt((seed % 1000) * 1_000_000);
    this.register(accounts, pages, audiences);
  }

  /** Pixels: `shared` are owned by every ad account, `byAccount` (account digits -> pixel ids) by one. */
  seedPixels(shared: string[], byAccount: Record<string, string[]> = {}): void {
    this.sharedPixels.push(...shared.filter((p) => !this.sharedPixels.includes(p)));
    for (const p of shared) this.pixels.set(p, new Set([...(this.pixels.get(p) ?? []), ...this.accounts.keys()]));
    for (const [account, ids] of Object.entries(byAccount)) {
      for (const p of ids) this.pixels.set(p, new Set([...(this.pixels.get(p) ?? []), account.replace(/^act_/, '')]));
    }
  }

  /** Whether the ad account (digits) may use the pixel. */
  ownsPixel(accountId: string, pixelId: string): boolean {
    return this.pixels.get(pixelId)?.has(accountId) ?? false;
  }

  /** Adds ad accounts, pages and custom audiences (known ones stay as they are); new accounts own the shared pixels. */
  register(accounts: string[], pages: string[], audiences: string[]): void {
    for (const a of accounts) {
      const digits = a.replace(/^act_/, '');
      if (!this.accounts.has(digits)) this.accounts.set(digits, { id: `act_${digits}`, accountId: digits, name: `Sim Ad Account ${this.accounts.size + 1}` });
      for (const p of this.sharedPixels) this.pixels.get(p)?.add(digits);
    }
    pages.forEach((p) => this.pages.add(p));
    for (const id of audiences) if (!this.audiences.has(id)) this.audiences.set(id, { id, name: `Sim Custom Audience ${this.audiences.size + 1}` });
  }

  /** Plain-data copy for the state file. */
  exportState(): { lastId: string; objects: SimObject[] } {
    return { lastId: this.lastId.toString(), objects: [...this.objects.values()] };
  }

  importState(state: { lastId: string; objects: SimObject[] }): void {
    this.lastId = BigInt(state.lastId);
    this.objects.clear();
    for (const o of state.objects) this.objects.set(o.id, o);
  }

  nextId(): string {
    this.lastId += BigInt(1 + Number(this.lastId % 97n));
    return this.lastId.toString();
  }

  add<T extends SimObject>(obj: T): T {
    this.objects.set(obj.id, obj);
    return obj;
  }

  get<K extends SimObject['kind']>(kind: K, id: string | undefined): ObjectOf<K> | undefined {
    if (id === undefined) return undefined;
    const obj = this.objects.get(id);
    return obj?.kind === kind ? (obj as ObjectOf<K>) : undefined;
  }

  all<K extends SimObject['kind']>(kind: K): Array<ObjectOf<K>> {
    const out: Array<ObjectOf<K>> = [];
    for (const o of this.objects.values()) if (o.kind === kind) out.push(o as ObjectOf<K>);
    return out;
  }

  imageByHash(accountId: string, hash: string): AdImage | undefined {
    return this.get('adimage', `${accountId}:${hash}`);
  }
}
