/**
 * Every activity log line (ours and the SDK's own, e.g. "Activity failed") carries the ad account
 * it works for, beside the workflow id and activity id the SDK adds: with several accounts on one
 * worker fleet, a log line without its account is of little use. The account is the `accountId`
 * of the activity's input, when it has one.
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

export const accountInActivityLogs: ActivityInterceptorsFactory = () => {
  let account: string | undefined;
  return {
    inbound: {
      execute: (input, next) => {
        const id = (input.args[0] as { accountId?: unknown } | undefined)?.accountId;
        if (typeof id === 'string') account = id;
        return next(input);
      },
    },
    outbound: {
      getLogAttributes: (input, next) => next(account ? { ...input, account } : input),
    },
  };
};
