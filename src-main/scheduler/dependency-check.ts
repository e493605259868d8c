import { isMap, isScalar, isSeq, LineCounter, parseDocument, stringify } from 'yaml';
import type { ConfigProblem } from '../../src-shared/api/model';
import { scheduleSettingsOf } from '../../src-shared/config/schedule-settings';
import { dependencyProblems } from './dependencies';

/*
 * The job service's side of the dependency graph: a job being saved is refused when its
 * `job.after` names an unknown job or closes a cycle, and a job being renamed carries its new name
 * into the `job.after` of the jobs that run after it, so no dependency is lost to a rename.
 */

/** A saved job, or one being saved. */
export interface JobConfig {
  id: string;
  name: string;
  config_yaml: string;
}

/** Where `job.after` is written (1-based line and column of its key), or 0:0 when it cannot be found. */
function afterPosition(configYaml: string): { line: number; col: number } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(configYaml, { lineCounter });
  const job = doc.get('job', true);
  if (!isMap(job)) return { line: 0, col: 0 };
  const pair = job.items.find((item) => isScalar(item.key) && item.key.value === 'after');
  const offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
  return offset === undefined ? { line: 0, col: 0 } : lineCounter.linePos(offset);
}

/**
 * The problems of `job`'s `job.after` against the saved jobs (the saved version of `job` itself,
 * under its old name or not, is left out): at most one, at path `job.after`, in file `<name>.yaml`.
 */
export function jobDependencyProblems(saved: readonly JobConfig[], job: JobConfig): ConfigProblem[] {
  const others = saved
    .filter((other) => other.id !== job.id)
    .map((other) => ({ name: other.name, after: scheduleSettingsOf(other.config_yaml).after }));
  const message = dependencyProblems(others, {
    name: job.name,
    after: scheduleSettingsOf(job.config_yaml).after,
  });
  if (message === undefined) return [];
  const { line, col } = afterPosition(job.config_yaml);
  return [{ file: `${job.name}.yaml`, line, col, path: 'job.after', message }];
}

/**
 * `configYaml` with `oldName` replaced by `newName` in its `job.after`, or undefined when it does
 * not name `oldName` there. Only the names' own text changes: the rest of the file stays byte for byte.
 */
export function renamedInAfter(configYaml: string, oldName: string, newName: string): string | undefined {
  const doc = parseDocument(configYaml);
  if (doc.errors.length > 0) return undefined;
  const after = doc.getIn(['job', 'after'], true);
  if (!isSeq(after)) return undefined;
  const spans = after.items
    .filter((item) => isScalar(item) && item.value === oldName && item.range)
    .map((item) => (item as { range: [number, number, number] }).range)
    .sort((a, b) => b[0] - a[0]);
  if (spans.length === 0) return undefined;
  // Written as YAML would write it alone: quoted only when the name needs it.
  const text = stringify(newName).trimEnd();
  let renamed = configYaml;
  for (const [start, end] of spans) renamed = renamed.slice(0, start) + text + renamed.slice(end);
  return renamed;
}
