/**
 * Custom search attributes of the adCycle workflow, shown and filterable in the Web UI
 * (e.g. `AdHooks = "urgency-countdown"` or `CycleOutcome = "launched"`).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const AdAccountIdKey = defineSearchAttributeKey('AdAccountId', SearchAttributeType.KEYWORD);
export const AdHooksKey = defineSearchAttributeKey('AdHooks', SearchAttributeType.KEYWORD_LIST);
export const CreativeFormatsKey = defineSearchAttributeKey('CreativeFormats', SearchAttributeType.KEYWORD_LIST);
export const CycleStageKey = defineSearchAttributeKey('CycleStage', SearchAttributeType.KEYWORD);
export const CycleOutcomeKey = defineSearchAttributeKey('CycleOutcome', SearchAttributeType.KEYWORD);
export const AdsLaunchedKey = defineSearchAttributeKey('AdsLaunched', SearchAttributeType.INT);
/** The account's spend today when the cycle ended, in USD: Meta's reported media spend plus Kie generation. */
export const DaySpendUsdKey = defineSearchAttributeKey('DaySpendUsd', SearchAttributeType.DOUBLE);

export const ALL_SEARCH_ATTRIBUTES = [AdAccountIdKey, AdHooksKey, CreativeFormatsKey, CycleStageKey, CycleOutcomeKey, AdsLaunchedKey, DaySpendUsdKey] as const;

/** Names and CLI type names, for `temporal server start-dev --search-attribute Name=Type`. */
export const SEARCH_ATTRIBUTE_CLI_TYPES: Record<string, string> = {
  AdAccountId: 'Keyword',
  AdHooks: 'KeywordList',
  CreativeFormats: 'KeywordList',
  CycleStage: 'Keyword',
  CycleOutcome: 'Keyword',
  AdsLaunched: 'Int',
  DaySpendUsd: 'Double',
};
