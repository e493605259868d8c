import { isMap, parseDocument } from 'yaml';
import { applyCanvasEdits, parseYaml, type CanvasEdit } from '../designer/yaml-document-edits';

/*
 * The schedule panel's edits to the job's YAML: one field of the `job` section set or removed,
 * as the designer's pipeline settings write theirs (root-level field edits, spliced in so only the
 * touched lines change).
 */

/** A field of the `job` section the panel edits (`['triggers', 'file', 'pattern']`). */
export type JobFieldPath = readonly string[];

/** Whether the text parses as YAML, so the panel can edit it. */
export function yamlParses(configYaml: string): boolean {
  return parseYaml(configYaml).ok;
}

/** Whether `job.<path>` is written in the config at all (a trigger being filled in counts). */
export function hasJobField(configYaml: string, path: JobFieldPath): boolean {
  const doc = parseDocument(configYaml);
  return doc.errors.length === 0 && doc.hasIn(['job', ...path]);
}

/**
 * The YAML with `job.<path>` set to `value`, or removed when `value` is undefined, empty text, an
 * empty list or false (with the maps that removal leaves empty, such as `triggers: {}`). Text
 * that does not parse is returned as it is.
 */
export function withJobField(configYaml: string, path: JobFieldPath, value: unknown): string {
  const parsed = parseYaml(configYaml);
  if (!parsed.ok) return configYaml;
  const full = ['job', ...path];
  const remove =
    value === undefined ||
    value === false ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.length === 0);
  const edits: CanvasEdit[] = [];
  if (!remove) {
    edits.push({
      kind: 'setField',
      path: '',
      field: full,
      value: typeof value === 'string' ? value.trim() : value,
    });
  } else if (parsed.parsed.doc.hasIn(full)) {
    // The innermost map the removal leaves empty goes with it (`triggers:` once its last trigger is off).
    let gone = full;
    while (gone.length > 2) {
      const parent = parsed.parsed.doc.getIn(gone.slice(0, -1), true);
      if (!isMap(parent) || parent.items.length !== 1) break;
      gone = gone.slice(0, -1);
    }
    edits.push({ kind: 'deleteField', path: '', field: gone });
  }
  return edits.length === 0 ? configYaml : applyCanvasEdits(parsed.parsed, edits).text;
}
