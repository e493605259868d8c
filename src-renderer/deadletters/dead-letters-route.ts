/** The route of an execution's dead letters (hash routing: `#/jobs/<job>/executions/<execution>/dead-letters`). */
export const DEAD_LETTERS_ROUTE = '/jobs/:id/executions/:execution/dead-letters';

export function deadLettersHref(jobId: string, executionId: string): string {
  return `/jobs/${encodeURIComponent(jobId)}/executions/${encodeURIComponent(executionId)}/dead-letters`;
}
