/*
 * An outside change to the editor's text (the canvas rewrote a few lines) applied as the smallest
 * edit that turns the old text into the new one, so the cursor, selection, scroll position and undo
 * history of the lines around it stay where the user left them.
 */

/** The changed span: `old.slice(start, oldEnd)` becomes `text`. */
export interface TextChange {
  start: number;
  oldEnd: number;
  text: string;
}

/** The common prefix and suffix of two texts taken away: what is left is the change. */
export function textChange(old: string, next: string): TextChange | null {
  if (old === next) return null;
  let start = 0;
  const shorter = Math.min(old.length, next.length);
  while (start < shorter && old.charCodeAt(start) === next.charCodeAt(start)) start++;
  let oldEnd = old.length;
  let nextEnd = next.length;
  while (oldEnd > start && nextEnd > start && old.charCodeAt(oldEnd - 1) === next.charCodeAt(nextEnd - 1)) {
    oldEnd--;
    nextEnd--;
  }
  return { start, oldEnd, text: next.slice(start, nextEnd) };
}
