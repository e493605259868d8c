import { describe, expect, it } from 'vitest';
import { maskSecrets, MASK, yamlChange } from './yaml-diff';

const before = `version: 1
job:
  name: orders
input:
  type: generate
  count: 100
output:
  type: file
  path: out.csv
`;

describe('the YAML diff of a job change', () => {
  it('is a unified diff with three lines of context', () => {
    const after = before.replace('count: 100', 'count: 500').replace('path: out.csv', 'path: orders.csv');
    const change = yamlChange(before, after, 'orders');
    expect(change?.secretChanged).toBe(false);
    expect(change?.diff).toBe(
      [
        '--- a/orders.yaml',
        '+++ b/orders.yaml',
        '@@ -3,7 +3,7 @@',
        '   name: orders',
        ' input:',
        '   type: generate',
        '-  count: 100',
        '+  count: 500',
        ' output:',
        '   type: file',
        '-  path: out.csv',
        '+  path: orders.csv',
        '',
      ].join('\n'),
    );
  });

  it('is null when nothing changed, and names both files after a rename', () => {
    expect(yamlChange(before, before, 'orders')).toBeNull();
    const renamed = yamlChange(before, before.replace('name: orders', 'name: sales'), 'orders', 'sales');
    expect(renamed?.diff.split('\n').slice(0, 2)).toEqual(['--- a/orders.yaml', '+++ b/sales.yaml']);
  });

  it('never holds a secret: inline passwords are masked on both sides', () => {
    const withSecret = (password: string, port: number) =>
      `input:\n  type: postgresql\n  connection: { host: db, port: ${port}, password: ${password} }\noutput:\n  type: mysql\n  connection:\n    password: "${password}"\n    api_key: 'k-${password}'\n`;
    const change = yamlChange(withSecret('hunter2', 5432), withSecret('s3cret!', 5433), 'sync');
    expect(change?.diff).not.toMatch(/hunter2|s3cret/);
    expect(change?.diff).toContain(`+  connection: { host: db, port: 5433, password: ${MASK} }`);
    expect(change?.secretChanged).toBe(true);
    // Only a secret changed: no diff to show, but the change is known.
    expect(yamlChange(withSecret('a', 1), withSecret('b', 1), 'sync')).toEqual({
      diff: '',
      secretChanged: true,
    });
  });

  it('masks literal secrets but keeps ${VAR} references and other fields', () => {
    expect(maskSecrets('password: ${PG_PASSWORD}\nuser_token: abc # note\nhost: db\n')).toBe(
      `password: \${PG_PASSWORD}\nuser_token: ${MASK} # note\nhost: db\n`,
    );
    expect(maskSecrets('  - { name: x, secret: "a,b" }')).toBe(`  - { name: x, secret: ${MASK} }`);
  });
});
