import { closestNames } from '../engine/similar';

/*
 * Dependencies between jobs: `job.after: [names]` makes a job run when the jobs it names have
 * completed. Together they form a graph across jobs, which must stay acyclic — a cycle would
 * start runs forever — and name only jobs that exist.
 */

/** A job as the dependency graph sees it: its name and the names it runs after. */
export interface DependencyNode {
  name: string;
  after: readonly string[];
}

/**
 * Why `changed` (a job being saved, new or not) cannot have its `after` list, or undefined when it
 * can: a name no job has (`unknown job "lod-customers" in job.after (did you mean "load-customers"?)`),
 * or a cycle, written in run order from the changed job (`cycle: a → b → c → a`: b runs after a,
 * c after b, a after c). `jobs` are the saved jobs; the one named like `changed` is replaced by it.
 */
export function dependencyProblems(
  jobs: readonly DependencyNode[],
  changed: DependencyNode,
): string | undefined {
  const graph = new Map<string, readonly string[]>(jobs.map((job) => [job.name, job.after]));
  graph.set(changed.name, changed.after);
  const names = [...graph.keys()].sort();

  const unknown = [...new Set(changed.after)].filter((name) => !graph.has(name));
  if (unknown.length > 0) return unknownMessage(unknown, names);

  const cycle = cycleThrough(graph, changed.name);
  return cycle ? `cycle: ${cycle.join(' → ')}` : undefined;
}

function unknownMessage(unknown: readonly string[], names: readonly string[]): string {
  const [first] = unknown;
  const suggestion = closestNames(names, first, 1)[0];
  const hint = suggestion ? ` (did you mean "${suggestion}"?)` : '';
  if (unknown.length === 1) return `unknown job "${first}" in job.after${hint}`;
  return `unknown jobs ${unknown.map((name) => `"${name}"`).join(', ')} in job.after`;
}

/** The jobs that run after each job (the graph's edges turned around), names sorted. */
export function downstreamMap(graph: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const downstream = new Map<string, string[]>();
  for (const [name, after] of graph) {
    for (const upstream of new Set(after)) {
      const list = downstream.get(upstream) ?? [];
      list.push(name);
      downstream.set(upstream, list);
    }
  }
  for (const list of downstream.values()) list.sort();
  return downstream;
}

/**
 * A path in run order from `start` back to itself (`[a, b, c, a]`), or undefined. Searched depth
 * first over the jobs that run after each job, in name order, so the same graph always names the
 * same cycle; a cycle elsewhere in the graph (saved before this check existed) does not trap it.
 */
function cycleThrough(graph: ReadonlyMap<string, readonly string[]>, start: string): string[] | undefined {
  const downstream = downstreamMap(graph);
  const visited = new Set<string>();
  const path: string[] = [start];
  const search = (name: string): boolean => {
    for (const next of downstream.get(name) ?? []) {
      if (next === start) {
        path.push(start);
        return true;
      }
      if (visited.has(next)) continue;
      visited.add(next);
      path.push(next);
      if (search(next)) return true;
      path.pop();
    }
    return false;
  };
  return search(start) ? path : undefined;
}

/**
 * Whether a job that runs after several jobs should run now. The rule: every job it runs after
 * has completed since the job's own last run began (any run: scheduled, by hand, or by a
 * dependency), so one round of upstream runs starts it once, and a run by hand in between
 * waits for the next round. With no earlier run, each upstream needs one completed run at all.
 *
 * `completedAt` holds the newest completed run's end per upstream (missing or null: never);
 * times are ISO 8601 in UTC, which sort as text.
 */
export function dependenciesMet(
  after: readonly string[],
  completedAt: ReadonlyMap<string, string | null>,
  lastRunAt: string | null,
): boolean {
  return after.every((name) => {
    const completed = completedAt.get(name) ?? null;
    return completed !== null && (lastRunAt === null || completed > lastRunAt);
  });
}
