/**
 * Public surface of the learning core (pure code: no clock, no Math.random, no I/O except
 * loadHookLibrary). Activities and HookBench import from here. This is a module boundary, not a
 * convenience barrel: everything not re-exported is internal and may change. See README.md.
 */
export { planCycle, type PlanCycleInput, type PlanCycleResult } from './cycle';
export { decideActions, adSetKey, type DecideActionsInput } from './actions';
export { chooseHooks, type ChooseHooksInput, type ChooseHooksResult, type HookChoice, type PosteriorSnapshot } from './choice';
export { scoreHooks, type ScoreHooksInput, type ScoreHooksResult } from './scoring';
export { findingTexts, type Finding } from './findings';
export { capExceeded, launchCapacity, launchCapacityDetail, committedSpendCents, worstDaySpendCents, type CapLimit, type LaunchCapacity } from './capacity';
export { chooseFormats, type FormatChoiceInput } from './format-choice';
export {
  DEFAULT_PARAMS,
  DEFAULT_POLICY,
  META_MAX_BUDGET_EDITS_PER_HOUR,
  POLICY_NAMES,
  POLICY_PRESETS,
  resolveParams,
  type PolicyParams,
  type PriorSpec,
} from './params';
export {
  HookLibraryError,
  HookLibrarySchema,
  HookSchema,
  hookStyles,
  loadHookLibrary,
  loadHookLibraryFile,
  parseHookLibrary,
  type CreativeFormat,
  type Hook,
  type HookLibrary,
} from './hook-library';
export { createRng, type Rng } from './random';
export { OBJECTIVES, DEFAULT_ATTRIBUTION } from './types';
export type {
  ArmScore,
  AttributionWindows,
  Objective,
  BetaPosterior,
  CreativeEvidence,
  CreativeScore,
  DailyEvidence,
  Decision,
  DecisionKind,
  DecisionSnapshot,
  GroupScore,
  HookScore,
  LiveAdBudget,
  PolicyName,
  SpendCaps,
} from './types';
