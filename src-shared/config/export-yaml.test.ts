import { describe, expect, it } from 'vitest';
import { exportYaml } from './export-yaml';

describe('exportYaml', () => {
  it('replaces secret values by ${VAR} references and keeps everything else as written', () => {
    const text = `version: 1
job: { name: orders }
# where the orders come from
input:
  type: mysql
  connection: { host: db, database: shop, username: etl, password: "s3cret" } # inline
  query: { table: orders }
pipeline:
  processors:
    - type: enrichment
      http:
        url: https://scores.example/api
        headers: { Authorization: "Bearer abc", Accept: json }
output:
  type: postgresql
  connection:
    host: wh
    database: dw
    username: etl
    password: \${PG_PASSWORD} # already a reference
  write: { table: orders }
`;
    const { yaml, variables } = exportYaml(text);
    expect(variables).toEqual([
      { name: 'INPUT_PASSWORD', path: 'input.connection.password' },
      {
        name: 'PROCESSORS_0_HTTP_HEADERS_AUTHORIZATION',
        path: 'pipeline.processors[0].http.headers.Authorization',
      },
    ]);
    expect(yaml).toBe(
      text
        .replace('password: "s3cret"', 'password: "${INPUT_PASSWORD}"')
        .replace(
          'Authorization: "Bearer abc"',
          'Authorization: "${PROCESSORS_0_HTTP_HEADERS_AUTHORIZATION}"',
        ),
    );
  });

  it('names branch outputs by their place and keeps names unique', () => {
    const text = `pipeline:
  processors:
    - type: conditional
      branches:
        - when: a = 1
          output: { type: mysql, connection: { password: x1 } }
      else:
        output: { type: mysql, connection: { password: x2 } }
`;
    expect(exportYaml(text).variables.map((v) => v.name)).toEqual([
      'PROCESSORS_0_BRANCHES_0_OUTPUT_PASSWORD',
      'PROCESSORS_0_ELSE_OUTPUT_PASSWORD',
    ]);
  });

  it('refuses YAML that does not parse', () => {
    expect(() => exportYaml('a: [1, 2')).toThrow(/does not parse/);
  });
});
