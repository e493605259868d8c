import { isMap, isScalar, parseDocument, visit, type Pair, type Scalar } from 'yaml';
import { isSecretField, isVariableReference } from './secret-fields';

/*
 * Export YAML: the pipeline as written (comments, order, formatting kept), with every secret value
 * replaced by a `${VAR}` reference, so the file can be shared or pushed to a worker and the
 * secrets given there as environment variables.
 */

/** A secret the export took out: the variable that now stands for it, and where it was. */
export interface ExportedVariable {
  name: string;
  /** Config path of the field (`input.connection.password`). */
  path: string;
}

export interface YamlExport {
  yaml: string;
  variables: ExportedVariable[];
}

/** `pipeline.processors[2].branches[0].output.connection.password` → `PROCESSORS_2_BRANCHES_0_OUTPUT_PASSWORD`. */
function variableName(path: (string | number)[]): string {
  const parts = path
    .filter((part) => part !== 'pipeline' && part !== 'connection')
    .map((part) =>
      String(part)
        .replace(/[^A-Za-z0-9]+/g, '_')
        .toUpperCase(),
    );
  return parts.join('_').replace(/_+/g, '_');
}

function pathText(path: (string | number)[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part),
    '',
  );
}

/** The YAML with secret values replaced by `${VAR}` references; text that does not parse is refused. */
export function exportYaml(text: string): YamlExport {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`the YAML does not parse: ${doc.errors[0].message}`);
  const variables: ExportedVariable[] = [];
  const taken = new Set<string>();
  visit(doc, {
    Pair(_key, pair: Pair, ancestry) {
      if (!isScalar(pair.key) || !isScalar(pair.value)) return;
      const name = String((pair.key as Scalar).value);
      const value = (pair.value as Scalar).value;
      if (!isSecretField(name) || typeof value !== 'string' || value === '' || isVariableReference(value))
        return;
      const path = configPath(ancestry, name);
      let variable = variableName(path);
      for (let n = 2; taken.has(variable); n++) variable = `${variableName(path)}_${n}`;
      taken.add(variable);
      variables.push({ name: variable, path: pathText(path) });
      (pair.value as Scalar).value = `\${${variable}}`;
    },
  });
  return { yaml: doc.toString(), variables };
}

/** The config path of a pair from the nodes above it (map keys and sequence indices). */
function configPath(ancestry: readonly unknown[], name: string): (string | number)[] {
  const path: (string | number)[] = [];
  for (let i = 1; i < ancestry.length; i++) {
    const node = ancestry[i];
    const parent = ancestry[i - 1];
    if (isPairNode(node) && isScalar(node.key)) path.push(String(node.key.value));
    else if (parent !== null && typeof parent === 'object' && 'items' in parent && !isMap(parent))
      path.push((parent as { items: unknown[] }).items.indexOf(node));
  }
  return [...path, name];
}

function isPairNode(node: unknown): node is Pair {
  return node !== null && typeof node === 'object' && 'key' in node && 'value' in node;
}
