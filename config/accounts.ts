/**
 * The ad accounts this agent runs, as configuration. `ACCOUNTS_FILE` (JSON or YAML) lists them;
 * without it the single-account environment variables (AD_ACCOUNT_ID, PAGE_ID, DAILY_BUDGET, ...)
 * are a one-account default, so a first run needs no file. Every field a file leaves out takes the
 * environment's value. Validation names the bad field with its account, all problems at once.
 *
 * A token is never in the file: `token` names the environment variable or the file that holds it,
 * and is resolved by the workers only (never in a workflow input, result or memo). An account whose
 * token cannot be resolved runs against the Meta simulator, and start-up says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { POLICIES } from '../temporal-config/policies';

export const CALLS_TO_ACTION = ['LEARN_MORE', 'SIGN_UP', 'GET_STARTED', 'SUBSCRIBE', 'SHOP_NOW', 'DOWNLOAD', 'APPLY_NOW'] as const;

const cents = (min: number) => z.number().int().min(min);
/** An http(s) URL: WHATWG parsing alone also takes javascript:, file: or data: URLs, which no landing page or API is. */
export const httpUrl = () => z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://example.com/page' });
const TokenRef = z.union(
  [z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name') }).strict(), z.object({ file: z.string().min(1) }).strict()],
  { error: 'must be {"env": "<VARIABLE>"} or {"file": "<path>"}: where the token is, never the token itself' },
);
export type TokenRef = z.infer<typeof TokenRef>;

export const Approval = z
  .object({
    timeout: z.string().regex(/^\d+(ms|s|m|h)$/, 'a duration like 30m or 4h'),
    onTimeout: z.enum(['skip', 'approve']),
  })
  .strict();
export type ApprovalConfig = z.infer<typeof Approval>;

/** What the account pays for: link clicks (traffic), website leads or purchases, both counted by its Meta pixel. */
export const ACCOUNT_OBJECTIVES = ['traffic', 'leads', 'sales'] as const;
export type AccountObjective = (typeof ACCOUNT_OBJECTIVES)[number];
/** Meta's attribution windows (reference 5.3): clicks 1, 7 or 28 days; views 1 day or none (7- and 28-day view windows are deprecated). */
export const CLICK_WINDOW_DAYS = [1, 7, 28] as const;
export const VIEW_WINDOW_DAYS = [0, 1] as const;
export const PixelId = z.string().regex(/^\d+$/, 'must be a numeric Meta pixel (dataset) id');
const Attribution = z
  .object({
    clickDays: z.literal(CLICK_WINDOW_DAYS, { error: 'must be 1, 7 or 28 (days after a click)' }).optional(),
    viewDays: z.literal(VIEW_WINDOW_DAYS, { error: 'must be 0 or 1 (days after a view; 7- and 28-day view windows are deprecated)' }).optional(),
  })
  .strict();
/** A result is credited to the ad for this long after a click / a view. */
export interface AttributionConfig {
  clickDays: (typeof CLICK_WINDOW_DAYS)[number];
  viewDays: (typeof VIEW_WINDOW_DAYS)[number];
}
export const DEFAULT_ATTRIBUTION_CONFIG: AttributionConfig = { clickDays: 7, viewDays: 1 };

/** One account as written in the accounts file; absent fields default to the environment's. */
const AccountEntry = z
  .object({
    id: z.string().regex(/^act_\d+$/, 'must look like act_<digits>'),
    /** A label for logs and the README; defaults to the id. */
    name: z.string().min(1).max(100).optional(),
    pageId: z.string().regex(/^\d+$/, 'must be a numeric page id'),
    token: TokenRef.optional(),
    /** When the token expires, if known (system-user tokens often expire after 60–90 days): warned about days ahead. */
    tokenExpiresAt: z
      .string()
      .refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO date like 2027-02-01')
      .optional(),
    customAudienceIds: z.array(z.string().regex(/^\d+$/, 'numeric custom audience ids')).optional(),
    countries: z
      .array(z.string().regex(/^[A-Z]{2}$/, 'ISO country codes like US'))
      .min(1)
      .optional(),
    landingUrl: httpUrl().optional(),
    callToAction: z.enum(CALLS_TO_ACTION).optional(),
    /** Cents per ad set per day. */
    dailyBudget: cents(100).optional(),
    /** Cents per day: live ad sets at their worst day (1.25 × budget) plus today's generation. */
    totalDailySpendCap: cents(0).optional(),
    maxLiveAds: z.number().int().min(0).optional(),
    /** Ceiling of a winner's budget, cents. */
    maxAdSetBudget: cents(100).optional(),
    kieDailyCreditCap: z.number().int().min(0).optional(),
    hookLibrary: z.string().min(1).optional(),
    policy: z.enum(POLICIES).optional(),
    videoShare: z.number().min(0).max(1).optional(),
    /** Seconds between scheduled cycles. */
    runInterval: z.number().int().min(60).optional(),
    adsPerRun: z.number().int().min(0).max(10).optional(),
    /** The approval gate: each generated creative waits for a person's approve/reject; `onTimeout` decides after `timeout`. */
    approval: Approval.optional(),
    /** traffic (default), leads or sales: what the campaigns optimise and what counts as a result. */
    objective: z.enum(ACCOUNT_OBJECTIVES).optional(),
    /** The Meta pixel that reports the account's leads or purchases; required for leads and sales. */
    pixelId: PixelId.optional(),
    attribution: Attribution.optional(),
    /** Sales only: optimise for purchase value (goal VALUE) instead of the number of purchases. */
    valueOptimised: z.boolean().optional(),
    enabled: z.boolean().default(true),
  })
  .strict();

const AccountsFile = z
  .object({ accounts: z.array(AccountEntry).min(1, 'list at least one account') })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.accounts.forEach((a, i) => {
      if (seen.has(a.id)) ctx.addIssue({ code: 'custom', path: ['accounts', i, 'id'], message: `${a.id} is listed twice` });
      seen.add(a.id);
    });
  });

/** Everything one account runs with, validated and complete. */
export interface AccountConfig {
  id: string;
  name: string;
  pageId: string;
  /** Where the token is; undefined = FB_ACCESS_TOKEN (the one-account default). */
  token?: TokenRef;
  tokenExpiresAt?: string;
  customAudienceIds: string[];
  countries: string[];
  landingUrl: string;
  callToAction: (typeof CALLS_TO_ACTION)[number];
  dailyBudgetCents: number;
  totalDailySpendCapCents: number;
  maxLiveAds: number;
  maxAdSetDailyBudgetCents: number;
  kieDailyCreditCap: number;
  hookLibraryPath: string;
  policy?: (typeof POLICIES)[number];
  videoShare: number;
  intervalSeconds: number;
  adsPerRun: number;
  /** Undefined: no approval gate, creatives launch as soon as they are made. */
  approval?: ApprovalConfig;
  objective: AccountObjective;
  /** Set whenever the objective is leads or sales (validated). */
  pixelId?: string;
  attribution: AttributionConfig;
  /** Sales accounts optimising purchase value (VALUE) rather than purchases (OFFSITE_CONVERSIONS). */
  valueOptimised: boolean;
  enabled: boolean;
}

/**
 * What is wrong with an account's objective settings once defaults are applied, as [field, message]:
 * leads and sales need the pixel that reports their results; value optimisation is for sales only.
 */
export function objectiveProblems(
  a: Pick<AccountConfig, 'objective' | 'pixelId' | 'valueOptimised'>,
): Array<[field: 'pixelId' | 'valueOptimised', message: string]> {
  const out: Array<['pixelId' | 'valueOptimised', string]> = [];
  if (a.objective !== 'traffic' && !a.pixelId)
    out.push([
      'pixelId',
      `required when objective is ${a.objective}: the Meta pixel that reports the account's ${a.objective === 'leads' ? 'leads' : 'purchases'}`,
    ]);
  if (a.valueOptimised && a.objective !== 'sales') out.push(['valueOptimised', `only for objective sales (this account's objective is ${a.objective})`]);
  return out;
}

/** Raised when the accounts file is unreadable or invalid; names every bad field with its account. */
export class AccountsFileError extends Error {
  override readonly name = 'AccountsFileError';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Invalid accounts file ${file}:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Reads and validates an accounts file; `defaults` fills what it leaves out. Relative paths are from the file's folder. */
export function loadAccountsFile(file: string, defaults: Omit<AccountConfig, 'id' | 'name' | 'pageId' | 'token' | 'enabled'>): AccountConfig[] {
  const raw = readAccountsFile(file);
  const parsed = AccountsFile.safeParse(raw);
  if (!parsed.success)
    throw new AccountsFileError(
      file,
      parsed.error.issues.map((i) => describeIssue(raw, i)),
    );
  const dir = path.dirname(path.resolve(file));
  const accounts = parsed.data.accounts.map((a) => ({
    ...defaults,
    id: a.id,
    name: a.name ?? a.id,
    pageId: a.pageId,
    token: a.token && 'file' in a.token ? { file: path.resolve(dir, a.token.file) } : a.token,
    ...(a.tokenExpiresAt ? { tokenExpiresAt: a.tokenExpiresAt } : {}),
    customAudienceIds: a.customAudienceIds ?? defaults.customAudienceIds,
    countries: a.countries ?? defaults.countries,
    landingUrl: a.landingUrl ?? defaults.landingUrl,
    callToAction: a.callToAction ?? defaults.callToAction,
    dailyBudgetCents: a.dailyBudget ?? defaults.dailyBudgetCents,
    totalDailySpendCapCents: a.totalDailySpendCap ?? defaults.totalDailySpendCapCents,
    maxLiveAds: a.maxLiveAds ?? defaults.maxLiveAds,
    maxAdSetDailyBudgetCents: a.maxAdSetBudget ?? defaults.maxAdSetDailyBudgetCents,
    kieDailyCreditCap: a.kieDailyCreditCap ?? defaults.kieDailyCreditCap,
    hookLibraryPath: a.hookLibrary ? path.resolve(dir, a.hookLibrary) : defaults.hookLibraryPath,
    policy: a.policy ?? defaults.policy,
    videoShare: a.videoShare ?? defaults.videoShare,
    intervalSeconds: a.runInterval ?? defaults.intervalSeconds,
    adsPerRun: a.adsPerRun ?? defaults.adsPerRun,
    approval: a.approval ?? defaults.approval,
    objective: a.objective ?? defaults.objective,
    pixelId: a.pixelId ?? defaults.pixelId,
    attribution: { ...defaults.attribution, ...a.attribution },
    valueOptimised: a.valueOptimised ?? (defaults.valueOptimised && (a.objective ?? defaults.objective) === 'sales'),
    enabled: a.enabled,
  }));
  // Checked with the defaults applied: a file's leads account may take its pixel from PIXEL_ID.
  const problems = accounts.flatMap((a, i) => objectiveProblems(a).map(([field, message]) => `accounts[${i}] (${a.id}).${field}: ${message}`));
  if (problems.length) throw new AccountsFileError(file, problems);
  return accounts;
}

function readAccountsFile(file: string): unknown {
  if (!existsSync(file)) throw new AccountsFileError(file, ['the file does not exist']);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    // A folder, or a file this user may not read: said as a problem of the file, not as a stack trace.
    throw new AccountsFileError(file, [`cannot read the file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  try {
    return /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new AccountsFileError(file, [`not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(err as Error).message}`]);
  }
}

/** `accounts[1] (act_2).dailyBudget: Too small...`: the field with its account. */
function describeIssue(raw: unknown, issue: z.core.$ZodIssue): string {
  const [top, index, ...rest] = issue.path;
  if (top === 'accounts' && typeof index === 'number') {
    const entry = (raw as { accounts?: Array<{ id?: unknown }> }).accounts?.[index];
    const label = typeof entry?.id === 'string' ? ` (${entry.id})` : '';
    return `accounts[${index}]${label}${rest.length ? `.${rest.join('.')}` : ''}: ${issue.message}`;
  }
  return `${issue.path.join('.') || '(file)'}: ${issue.message}`;
}

/** The account's token, or undefined when its reference does not resolve (then it is simulated). */
export function resolveToken(ref: TokenRef | undefined, env: Record<string, string | undefined>, fallback: string | undefined): string | undefined {
  if (!ref) return fallback;
  if ('env' in ref) return env[ref.env]?.trim() || undefined;
  return existsSync(ref.file) ? readFileSync(ref.file, 'utf8').trim() || undefined : undefined;
}
