import { describe, expect, it } from 'vitest';
import { completionContext } from './completion-context';

/** The context at the `|` in `text`. */
const at = (text: string) => completionContext(text.replace('|', ''), text.indexOf('|'));

describe('YAML completion context', () => {
  it('finds a connection name after ref:, in block and flow style', () => {
    expect(at('input:\n  type: mysql\n  connection:\n    ref: sh|\n')).toEqual({
      kind: 'connection',
      prefix: 'sh',
      componentType: 'mysql',
    });
    expect(at('output: { type: postgresql, connection: { ref: | } }\n')).toEqual({
      kind: 'connection',
      prefix: '',
      componentType: 'postgresql',
    });
  });

  it('finds tables of the component’s saved connection', () => {
    const yaml = 'input:\n  type: postgresql\n  connection: { ref: dw }\n  query:\n    table: public.or|\n';
    expect(at(yaml)).toEqual({
      kind: 'table',
      prefix: 'public.or',
      componentType: 'postgresql',
      connectionRef: 'dw',
    });
    expect(at('output:\n  type: mysql\n  connection: { ref: shop }\n  write: { table: | }\n')).toMatchObject({
      kind: 'table',
      connectionRef: 'shop',
    });
    expect(
      at('input:\n  type: mysql\n  connection: { ref: shop }\n  query: { tables: [orders, |] }\n'),
    ).toMatchObject({
      kind: 'table',
    });
  });

  it('finds columns of the input’s table', () => {
    expect(
      at(
        'input:\n  type: mysql\n  connection: { ref: shop }\n  query:\n    table: orders\n    columns: [id, q|]\n',
      ),
    ).toEqual({
      kind: 'column',
      prefix: 'q',
      componentType: 'mysql',
      connectionRef: 'shop',
      table: 'orders',
    });
  });

  it('offers nothing without a saved connection or elsewhere', () => {
    expect(at('input:\n  type: mysql\n  connection: { host: h }\n  query: { table: | }\n')).toBeNull();
    expect(at('input:\n  type: mysql\n  connection: { ref: shop }\n  fetch: { size: | }\n')).toBeNull();
    expect(at('input: [unclosed |\n')).toBeNull();
  });
});
