import type { LogicalType } from '../../src-shared/types/logical';
import type { GeneratorConfig } from './generators';

/** The logical type a generator produces when a column does not declare one. */
export const GENERATOR_TYPES: Record<Exclude<GeneratorConfig['generator'], 'constant'>, LogicalType> = {
  sequence: 'bigint',
  random_int: 'int',
  random_float: 'float',
  decimal: 'decimal',
  choice: 'string',
  string: 'string',
  uuid: 'uuid',
  timestamp: 'timestamp',
  date: 'date',
  bool: 'bool',
};

/** The column type for a generator: declared, else the generator's own, else from a constant's value. */
export function generatorType(config: GeneratorConfig, declared?: LogicalType): LogicalType {
  if (declared) return declared;
  if (config.generator !== 'constant') return GENERATOR_TYPES[config.generator];
  const value = config.value;
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return 'string';
}
