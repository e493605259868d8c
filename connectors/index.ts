import type { ComponentSpec } from '../src-main/engine/component';
import { fileInput, fileOutput } from './file/spec';
import { filterProcessor } from './filter/spec';
import { generateInput } from './generate/spec';
import { mappingProcessor } from './mapping/spec';
import { mysqlInput, mysqlOutput } from './mysql/spec';
import { postgresqlInput, postgresqlOutput } from './postgresql/spec';
import { sqliteInput, sqliteOutput } from './sqlite/spec';

/**
 * Every component the product ships, listed explicitly (no registration by side effect).
 * Settings can disable a component by name; the order here is the palette's order.
 */
export const components: ComponentSpec[] = [
  generateInput,
  fileInput,
  sqliteInput,
  postgresqlInput,
  mysqlInput,
  filterProcessor,
  mappingProcessor,
  fileOutput,
  sqliteOutput,
  postgresqlOutput,
  mysqlOutput,
];
