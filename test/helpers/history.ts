/** Reading a finished cycle's history: which task queues it used, and its raw JSON. */
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export async function historyOf(handle: WorkflowHandle) {
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const queues = new Set<string>();
  for (const e of events) {
    const wf = e.workflowExecutionStartedEventAttributes?.taskQueue?.name;
    if (wf) queues.add(wf);
    const act = e.activityTaskScheduledEventAttributes?.taskQueue?.name;
    if (act) queues.add(act);
  }
  const activityTypes = events.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean) as string[];
  return { history, json: historyToJSON(history), queues: [...queues].sort(), activityTypes };
}
