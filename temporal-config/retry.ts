/**
 * Failure types that no retry can fix (matched against ApplicationFailure.type / error class name).
 * The activities throw these types (activities/errors.ts); workflows list them in retry policies.
 */
export const RETRY_NON_RETRYABLE = [
  'MetaRequestRejected',
  /** Graph 190 / 10 / 200 / 368: the token or account may not act; the account stops until fixed. */
  'MetaAuthorizationError',
  'KieRequestRejected',
  'KieInsufficientCredits',
  'GenerationFailed',
  'GenerationTimedOut',
  'SpendCapReached',
  'GenerationBudgetExceeded',
  'InvalidInput',
  'NotFound',
  'ConfigError',
  /** The account's hook library does not validate: a person must fix the file (its fields are named in the message). */
  'HookLibraryError',
] as const;
export type NonRetryableType = (typeof RETRY_NON_RETRYABLE)[number];
