import { defaultRegistry } from '../default-registry';

/** `fustgo plugins [--json]`: every component in the registry. */
export function pluginsCommand(options: { json?: boolean }): number {
  const rows = defaultRegistry()
    .list()
    .map(({ spec, enabled }) => ({
      kind: spec.kind,
      name: spec.name,
      category: spec.category,
      title: spec.title,
      status: enabled ? spec.status : 'disabled',
      enabled,
      description: spec.description,
    }));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  const header = {
    kind: 'KIND',
    name: 'NAME',
    category: 'CATEGORY',
    status: 'STATUS',
    description: 'DESCRIPTION',
  };
  const table = [header, ...rows];
  const columns = ['kind', 'name', 'category', 'status'] as const;
  const widths = columns.map((c) => Math.max(...table.map((row) => row[c].length)));
  for (const row of table) {
    const cells = columns.map((c, i) => row[c].padEnd(widths[i]));
    process.stdout.write(`${[...cells, row.description].join('  ')}\n`);
  }
  return 0;
}
