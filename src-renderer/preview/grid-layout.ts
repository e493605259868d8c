import { cellDisplay } from './cell-format';

/** Height of one grid row in pixels: fixed, so the visible rows follow from the scroll position. */
export const ROW_HEIGHT = 26;
/** Rows rendered above and below the visible ones, so fast scrolling shows no gaps. */
export const OVERSCAN = 8;

/** The rows to render, `from` inclusive and `to` exclusive. */
export interface RowWindow {
  from: number;
  to: number;
}

/**
 * The rows a viewport of `height` pixels scrolled `scrollTop` pixels into the body shows, plus
 * the overscan on each side: the grid renders only these, however many rows it holds.
 */
export function rowWindow(
  scrollTop: number,
  height: number,
  rowCount: number,
  overscan = OVERSCAN,
): RowWindow {
  const first = Math.floor(Math.max(0, scrollTop) / ROW_HEIGHT);
  const visible = Math.ceil(Math.max(0, height) / ROW_HEIGHT) + 1;
  return {
    from: Math.max(0, first - overscan),
    to: Math.min(rowCount, first + visible + overscan),
  };
}

/** Pixels per character of the grid's font, roughly: widths are estimated, not measured. */
const CHAR_WIDTH = 7.2;
const MIN_WIDTH = 72;
const MAX_WIDTH = 320;
/** Rows looked at when estimating a column's width. */
const MEASURED_ROWS = 100;

/** A column's width from its header lines and its first values, within 72–320 px. */
export function columnWidth(headerLines: string[], values: unknown[], type: string): number {
  let chars = Math.max(...headerLines.map((line) => line.length + 2));
  for (const value of values.slice(0, MEASURED_ROWS))
    chars = Math.max(chars, cellDisplay(value, type).text.length);
  return Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, chars * CHAR_WIDTH + 20)));
}
