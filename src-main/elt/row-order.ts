import type { Output } from '../engine/component';
import { ROW_ORDER_COLUMN } from './generate';

/*
 * The staging load of an ELT job whose steps follow the rows' order (deduplicate's first or last
 * row, a keyed write's last) numbers the rows as they reach the staging table: SQL tables have
 * no order of their own.
 */

/** The output, writing each row with `ROW_ORDER_COLUMN` = 1, 2, 3 … in the order rows reach it. */
export function numberRows(output: Output): Output {
  let next = 0;
  return {
    write: (batch, lane) =>
      output.write(
        {
          ...batch,
          columns: [...batch.columns, { name: ROW_ORDER_COLUMN, type: 'bigint' }],
          rows: batch.rows.map((row) => [...row, ++next]),
        },
        lane,
      ),
    close: (error) => output.close(error),
  };
}
