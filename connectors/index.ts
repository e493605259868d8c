import type { ComponentSpec } from '../src-main/engine/component';
import { aggregateProcessor } from './aggregate/spec';
import { conditionalProcessor } from './conditional/spec';
import { dateFormatProcessor } from './date_format/spec';
import { deduplicateProcessor } from './deduplicate/spec';
import { enrichmentProcessor } from './enrichment/spec';
import { fileInput, fileOutput } from './file/spec';
import { filterProcessor } from './filter/spec';
import { generateInput } from './generate/spec';
import { jsonDecodeProcessor } from './json_decode/spec';
import { jsonEncodeProcessor } from './json_encode/spec';
import { mappingProcessor } from './mapping/spec';
import { mergeProcessor } from './merge/spec';
import { mysqlInput, mysqlOutput } from './mysql/spec';
import { postgresqlInput, postgresqlOutput } from './postgresql/spec';
import { regexExtractProcessor } from './regex_extract/spec';
import { splitProcessor } from './split/spec';
import { sqliteInput, sqliteOutput } from './sqlite/spec';
import { transformProcessor } from './transform/spec';

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
  transformProcessor,
  jsonDecodeProcessor,
  jsonEncodeProcessor,
  regexExtractProcessor,
  dateFormatProcessor,
  splitProcessor,
  enrichmentProcessor,
  aggregateProcessor,
  mergeProcessor,
  deduplicateProcessor,
  conditionalProcessor,
  fileOutput,
  sqliteOutput,
  postgresqlOutput,
  mysqlOutput,
];
