import { isScalar, parseDocument, Scalar } from 'yaml';
import type { ConfigProblem } from '../../src-shared/api/model';
import { childPath } from './config-path';
import type { Located } from './located';
import { problemAt } from './problem';

/** A `${VAR}` or `${VAR:-default}` reference, as a pattern (the editor's pipeline schema accepts one for any value). */
export const ENV_REFERENCE = '\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\\}';
const REFERENCE = new RegExp(`\\$\\$\\{|${ENV_REFERENCE}`, 'g');

/**
 * The value a plain text stands for when written unquoted in YAML: numbers, booleans and
 * null become typed (`--set pipeline.channels=4`, `port: ${PORT}`); anything else stays text.
 */
export function scalarFromText(text: string): unknown {
  const doc = parseDocument(text);
  const node = doc.contents;
  if (doc.errors.length > 0 || !isScalar(node)) return text;
  if (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) return node.value;
  const value = node.value;
  return value === null || typeof value === 'number' || typeof value === 'boolean' ? value : text;
}

/** Substitutes `${VAR}` / `${VAR:-default}` in one string; `$${` stands for a literal `${`. */
export function substituteText(
  text: string,
  env: NodeJS.ProcessEnv,
): { text: string; missing: string[]; substituted: boolean } {
  const missing: string[] = [];
  let substituted = false;
  const result = text.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '${';
    substituted = true;
    const value = env[name];
    // As in a shell, `:-` also covers a variable set to the empty string.
    if (fallback !== undefined) return value === undefined || value === '' ? fallback : value;
    if (value === undefined) missing.push(name);
    return value ?? '';
  });
  return { text: result, missing, substituted };
}

/** Substitutes environment variables in every string value of the tree (keys are left alone). */
export function substituteEnv(
  node: Located,
  env: NodeJS.ProcessEnv,
  path = '',
): { node: Located; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const visit = (current: Located, currentPath: string): Located => {
    if (current.kind === 'map') {
      const entries = new Map<string, Located>();
      for (const [key, value] of current.entries) entries.set(key, visit(value, childPath(currentPath, key)));
      return { ...current, entries };
    }
    if (current.kind === 'seq')
      return { ...current, items: current.items.map((item, i) => visit(item, childPath(currentPath, i))) };
    if (typeof current.value !== 'string' || !current.value.includes('${')) return current;
    const { text, missing, substituted } = substituteText(current.value, env);
    for (const name of missing) {
      problems.push(problemAt(current.at, currentPath, `environment variable "${name}" is not set`));
    }
    // An unquoted `${PORT}` reads as YAML would read the value typed in its place.
    const value = substituted && current.plain ? scalarFromText(text) : text;
    if (text === current.value) return current;
    // The text no longer matches the source, so its characters no longer map to columns.
    const { textAt: _stale, ...moved } = current;
    return { ...moved, value };
  };
  return { node: visit(node, path), problems };
}
