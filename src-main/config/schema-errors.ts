import type { ErrorObject } from 'ajv';
import { childPath, type PathSegment } from './config-path';

/** One schema violation, said the way a user reads it, at a config path relative to the validated value. */
export interface SchemaIssue {
  path: string;
  message: string;
  /** For an unknown field: its name and the names the schema allows there (for "did you mean"). */
  unknown?: { field: string; known: string[] };
}

const UNIONS = new Set(['anyOf', 'oneOf']);

/** A JSON pointer into `data` as a config path: array positions become `[n]`. */
function pathOf(pointer: string, data: unknown): string {
  const tokens =
    pointer === ''
      ? []
      : pointer
          .slice(1)
          .split('/')
          .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  let path = '';
  let current = data;
  for (const token of tokens) {
    const segment: PathSegment = Array.isArray(current) ? Number(token) : token;
    path = childPath(path, segment);
    current =
      current !== null && typeof current === 'object'
        ? (current as Record<string, unknown>)[token]
        : undefined;
  }
  return path;
}

function typeName(type: unknown): string {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', null: 'null' };
  const list = Array.isArray(type) ? type : String(type).split(',');
  return list.map((t) => names[String(t)] ?? String(t)).join(' or ');
}

function alternatives(parts: string[]): string {
  if (parts.length <= 2) return `must be ${parts.join(' or ')}`;
  return `must be one of: ${parts.join(', ')}`;
}

function issueOf(error: ErrorObject, data: unknown): SchemaIssue {
  const path = pathOf(error.instancePath, data);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)
        ?.properties;
      return {
        path: childPath(path, String(params.additionalProperty)),
        message: 'unknown field',
        unknown: { field: String(params.additionalProperty), known: Object.keys(properties ?? {}) },
      };
    }
    case 'required':
      return { path, message: `missing required field "${String(params.missingProperty)}"` };
    case 'enum':
      return {
        path,
        message: alternatives((params.allowedValues as unknown[]).map((v) => JSON.stringify(v))),
      };
    case 'const':
      return { path, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'type':
      return { path, message: `must be ${typeName(params.type)}` };
    case 'minItems':
      return {
        path,
        message: `must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`,
      };
    case 'minLength':
      return {
        path,
        message:
          params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters`,
      };
    default:
      return { path, message: error.message ?? 'is not valid' };
  }
}

/** What a union (`anyOf`/`oneOf`) expected, when every branch failed on the value itself. */
function unionAlternatives(union: ErrorObject, inside: ErrorObject[], data: unknown): SchemaIssue | null {
  const parts: string[] = [];
  for (const error of inside) {
    const params = error.params as Record<string, unknown>;
    if (error.instancePath !== union.instancePath) return null;
    if (error.keyword === 'const') parts.push(JSON.stringify(params.allowedValue));
    else if (error.keyword === 'enum')
      parts.push(...(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)));
    else if (error.keyword === 'type') parts.push(typeName(params.type));
    else return null;
  }
  if (parts.length === 0) return null;
  return { path: pathOf(union.instancePath, data), message: alternatives([...new Set(parts)]) };
}

/**
 * When every branch of a union rejects the same field by value (`generator: int` where each
 * branch wants its own `generator`), that field chose no branch: list what it may be.
 */
function discriminatorIssue(
  union: ErrorObject,
  branches: ErrorObject[][],
  data: unknown,
): SchemaIssue | null {
  const valueErrors = (errors: ErrorObject[]) =>
    errors.filter(
      (e) =>
        (e.keyword === 'const' || e.keyword === 'enum') && e.instancePath.length > union.instancePath.length,
    );
  const first = valueErrors(branches[0] ?? []);
  for (const candidate of first) {
    const all = branches.map((errors) =>
      valueErrors(errors).find((e) => e.instancePath === candidate.instancePath),
    );
    if (all.every((e) => e !== undefined)) return unionAlternatives(candidate, all as ErrorObject[], data);
  }
  return null;
}

function within(pointer: string, base: string): boolean {
  return pointer === base || pointer.startsWith(`${base}/`);
}

function contains(outer: ErrorObject, inner: ErrorObject): boolean {
  return (
    inner.schemaPath.startsWith(`${outer.schemaPath}/`) && within(inner.instancePath, outer.instancePath)
  );
}

/** A branch ruled out by a value it requires elsewhere (`generator: sequence` when the user wrote `choice`). */
function ruledOut(union: ErrorObject, errors: ErrorObject[]): boolean {
  return errors.some(
    (e) =>
      (e.keyword === 'const' || e.keyword === 'enum') && e.instancePath.length > union.instancePath.length,
  );
}

/** The issues of the branch the user most likely meant, or what every branch agrees on when none stands out. */
function branchIssues(union: ErrorObject, branches: ErrorObject[][], data: unknown): SchemaIssue[] {
  const candidates = branches.filter((errors) => !ruledOut(union, errors));
  const byFewest = (list: ErrorObject[][]) => [...list].sort((a, b) => a.length - b.length)[0];
  if (candidates.length > 0 && candidates.length < branches.length) return reduce(byFewest(candidates), data);
  const perBranch = branches.map((errors) => reduce(errors, data));
  const key = (issue: SchemaIssue) => `${issue.path}\n${issue.message}`;
  const common = perBranch[0].filter((issue) =>
    perBranch.every((issues) => issues.some((i) => key(i) === key(issue))),
  );
  return common.length > 0 ? common : reduce(byFewest(branches), data);
}

function reduce(errors: ErrorObject[], data: unknown): SchemaIssue[] {
  const unions = errors.filter((e) => UNIONS.has(e.keyword));
  const union = unions.find((u) => !unions.some((o) => o !== u && contains(o, u)));
  if (!union) return errors.filter((e) => e.keyword !== 'if').map((e) => issueOf(e, data));
  const inside = errors.filter((e) => contains(union, e));
  const outside = errors.filter((e) => e !== union && !contains(union, e));
  const simple = unionAlternatives(union, inside, data);
  if (simple || inside.length === 0) {
    return [...reduce(outside, data), simple ?? issueOf(union, data)];
  }
  const prefix = `${union.schemaPath}/`;
  const branches = new Map<string, ErrorObject[]>();
  for (const error of inside) {
    const branch = error.schemaPath.slice(prefix.length).split('/')[0];
    branches.set(branch, [...(branches.get(branch) ?? []), error]);
  }
  const discriminator = discriminatorIssue(union, [...branches.values()], data);
  return [
    ...reduce(outside, data),
    ...(discriminator ? [discriminator] : branchIssues(union, [...branches.values()], data)),
  ];
}

/**
 * Turns ajv's errors (validated with `allErrors` and `verbose`) into one issue per real
 * problem: unions report the branch the user most likely meant, duplicates are dropped.
 */
export function schemaIssues(errors: ErrorObject[], data: unknown): SchemaIssue[] {
  const seen = new Set<string>();
  return reduce(errors, data).filter((issue) => {
    const key = `${issue.path}\n${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
