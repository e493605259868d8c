/**
 * The logical types every connector maps its native types to and from.
 * `decimal` values travel as strings so they are never rounded.
 */
export const LOGICAL_TYPES = [
  'string',
  'int',
  'bigint',
  'float',
  'decimal',
  'bool',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'json',
  'bytes',
  'uuid',
] as const;

export type LogicalType = (typeof LOGICAL_TYPES)[number];

/** One column of a batch: its name, logical type and, where known, the source's own type. */
export interface Column {
  name: string;
  type: LogicalType;
  nullable?: boolean;
  /** The type as the source database spells it (`varchar(200)`, `INTEGER`), for type maps and UI. */
  nativeType?: string;
}
