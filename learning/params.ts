/**
 * Tunable parameters of the learning core and the presets each policy applies on top.
 * Every default is documented in learning/README.md with the reason for its value.
 */
import type { PolicyName } from './types';

/** How the shared CTR prior is obtained. */
export type PriorSpec = 'fitted' | 'flat' | { alpha: number; beta: number };

/** Meta's limit on budget edits per ad set per hour: the planner's default and the raise guard's limit. */
export const META_MAX_BUDGET_EDITS_PER_HOUR = 4;

/** All knobs of scoring, choice and actions. */
export interface PolicyParams {
  /** Impressions (judged) a creative or hook needs before it can be paused, lead, or be scaled. */
  impressionFloor: number;
  /** Hours a creative must have been launched before it can be paused or scaled. */
  minAgeHours: number;
  /** Clicks may be reported this late; younger impressions are not counted as failures. */
  clickReportingDelayHours: number;
  /** Conversions may be attributed this late; younger clicks are not counted as failures. */
  conversionDelayHours: number;
  /** Pause when P(θ_creative < pauseMargin · θ_leader) > pauseProbability. */
  pauseMargin: number;
  pauseProbability: number;
  /** With learnFatigue, also pause when P(θ_creative now < fatigueMargin · θ_fresh creative of its hook) > pauseProbability. */
  fatigueMargin: number;
  /** Most Monte Carlo draws behind the loss probabilities and P(best) used by actions (sequential stopping usually needs far fewer). */
  lossDraws: number;
  /** Scale a creative whose hook is best with at least this probability. */
  scaleProbability: number;
  /** Multiplier per budget raise (Meta suggests ≤ 20 % steps to stay out of re-learning). */
  scaleStep: number;
  /** Meta's limit on budget edits per ad set per hour. */
  maxBudgetEditsPerHour: number;
  /** Our own stricter limit, so a winner is raised at most once per this many edits an hour. */
  scaleEditsPerHour: number;
  /** Half-life (days) for down-weighting old evidence; null keeps all evidence at full weight. */
  discountHalfLifeDays: number | null;
  /** Daily probability that a hook's CTR jumps to a new value (change-point.ts); null assumes it never jumps. */
  changeHazardPerDay: number | null;
  /** Daily probability that every hook's CTR jumps at once (an account-wide change); null = never. Needs changeHazardPerDay. */
  marketHazardPerDay: number | null;
  /** Learn how fast creatives wear out (fatigue.ts) and judge hooks on fresh-creative CTR, creatives on current CTR. */
  learnFatigue: boolean;
  /** Half-life (days) of the creative's own evidence when judging it for a pause; null = all evidence. */
  creativeHalfLifeDays: number | null;
  /** Exploration probability of the epsilon-greedy baseline. */
  epsilon: number;
  /** Scales hook draws around the posterior mean, in Thompson choice and in the loss check (1 = textbook Thompson sampling; < 1 explores less, which pays on a 30-day horizon). */
  explorationScale: number;
  /** Results objectives: scales conversion-rate draws around their means, apart from the CTR draws (explorationScale). */
  conversionExplorationScale: number;
  /** Thompson: count creatives still short of the floor as if their missing impressions came in at the current mean. */
  fantasizeInFlight: boolean;
  /**
   * Results objectives: 'optimistic' re-picks every slot at the day start by optimistic results per
   * dollar (CTR and conversion rate each at posterior mean + 1 sd, each slot fantasised as a
   * slot-day of delivery), keeping the creatives of picked hooks and pausing the rest, and fills
   * free slots the same way; 'off' chooses by Thompson draws and pauses by the loss check, as
   * traffic does. See "Daily redraw" in learning/README.md.
   */
  resultsRedraw: 'optimistic' | 'off';
  /** Shared CTR prior. */
  prior: PriorSpec;
  /** Prior used while too few hooks have been judged to fit one. */
  fallbackPrior: { alpha: number; beta: number };
  /** Weight, in hooks, of the fallback prior's spread when fitting the spread between hooks. */
  priorPseudoHooks: number;
  /** Bounds on the fitted prior's strength (alpha + beta), in impressions. */
  minPriorStrength: number;
  maxPriorStrength: number;
  /** Results objectives: the conversion-rate (results per link click) prior used until one can be fitted, recentred by prior.ts like the CTR's. */
  conversionFallbackPrior: { alpha: number; beta: number };
  /** Results objectives: mean delay from a click to its result (truncated at the click window); clicks count as judged by the share of results arrived. */
  conversionDelayMeanHours: number;
  /**
   * Results objectives: an angle effect on conversion rates is used only when the angles' pooled
   * rates differ more than chance would make them at this significance level (Cochran's Q);
   * null uses the random-effects estimate whenever it is positive.
   */
  angleEvidenceLevel: number | null;
  /** Results objectives: a hook's or creative's price (impressions per dollar) is shrunk towards the account's by this many dollars of spend. */
  cpmPseudoDollars: number;
  /** Sales with purchase values: a hook's value per result is shrunk towards the account's by this many results. */
  valuePseudoResults: number;
  /** Defer pauses that free no launch capacity today to the first hours of the next day. */
  deferPausesToDayStart: boolean;
  /** Length of the day-start window in which deferred pauses are executed. */
  dayStartWindowHours: number;
}

/** Defaults shared by all policies (see learning/README.md for the reasoning). */
export const DEFAULT_PARAMS: PolicyParams = {
  impressionFloor: 400,
  minAgeHours: 18,
  clickReportingDelayHours: 3,
  conversionDelayHours: 72,
  pauseMargin: 0.9,
  pauseProbability: 0.8,
  fatigueMargin: 0.8,
  lossDraws: 300,
  scaleProbability: 0.9,
  scaleStep: 1.2,
  maxBudgetEditsPerHour: META_MAX_BUDGET_EDITS_PER_HOUR,
  scaleEditsPerHour: 1,
  discountHalfLifeDays: null,
  changeHazardPerDay: null,
  marketHazardPerDay: null,
  learnFatigue: false,
  creativeHalfLifeDays: null,
  epsilon: 0.2,
  explorationScale: 0.7,
  conversionExplorationScale: 0.3,
  fantasizeInFlight: true,
  resultsRedraw: 'optimistic',
  prior: 'fitted',
  fallbackPrior: { alpha: 1, beta: 99 },
  priorPseudoHooks: 3,
  minPriorStrength: 50,
  maxPriorStrength: 2000,
  deferPausesToDayStart: true,
  dayStartWindowHours: 1,
  conversionFallbackPrior: { alpha: 2, beta: 23 },
  conversionDelayMeanHours: 24,
  angleEvidenceLevel: 0.05,
  cpmPseudoDollars: 50,
  valuePseudoResults: 3,
};

/** What each policy changes relative to DEFAULT_PARAMS. */
export const POLICY_PRESETS: Record<PolicyName, Partial<PolicyParams>> = {
  thompson: {},
  'thompson-flat': { prior: 'flat' },
  'thompson-discounted': { discountHalfLifeDays: 20, learnFatigue: true, creativeHalfLifeDays: 3 },
  // Forgets a hook's old evidence only once the numbers say its CTR has moved, alone or with the
  // whole account (change-point.ts), instead of at a fixed half-life; learns wear-out and
  // refreshes tired creatives like the above.
  'thompson-changepoint': { changeHazardPerDay: 1 / 100, marketHazardPerDay: 1 / 200, learnFatigue: true, creativeHalfLifeDays: 3 },
  'epsilon-greedy': {},
  uniform: {},
  ucb1: {},
};

/** The policy the agent ships with: the Thompson variant that won HookBench (bench/RESULTS.md). */
export const DEFAULT_POLICY: PolicyName = 'thompson-changepoint';

/** Every policy name, in display order. */
export const POLICY_NAMES: PolicyName[] = ['uniform', 'epsilon-greedy', 'ucb1', 'thompson-flat', 'thompson', 'thompson-discounted', 'thompson-changepoint'];

/** Defaults, then the policy preset, then caller overrides. */
export function resolveParams(policy: PolicyName, overrides?: Partial<PolicyParams>): PolicyParams {
  return { ...DEFAULT_PARAMS, ...POLICY_PRESETS[policy], ...(overrides ?? {}) };
}
