/**
 * "Did you mean" suggestions: the known names nearest to a misspelt one, by edit distance.
 * Used for component types, config fields and column names.
 */

/** Levenshtein distance: the fewest single-character insertions, deletions or substitutions from `a` to `b`. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Two rows of the dynamic-programming table are enough.
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length];
}

/**
 * Up to `max` of `candidates` close enough to `word` to be a plausible misspelling, nearest
 * first (ties keep the candidates' order). Case is ignored; a candidate counts as close when
 * its distance is at most a third of the word's length (at least 2), or when one name of
 * three or more characters contains the other (`user` → `user_id`). Returns `[]` when nothing is close, so callers
 * can fall back to listing what exists.
 */
export function closestNames(candidates: readonly string[], word: string, max = 3): string[] {
  const target = word.toLowerCase();
  const limit = Math.max(2, Math.floor(target.length / 3));
  const ranked: { name: string; distance: number; order: number }[] = [];
  candidates.forEach((name, order) => {
    if (name === word) return;
    const lower = name.toLowerCase();
    const distance = editDistance(lower, target);
    const contains =
      Math.min(lower.length, target.length) >= 3 && (lower.includes(target) || target.includes(lower));
    if (distance <= limit || contains) ranked.push({ name, distance, order });
  });
  ranked.sort((x, y) => x.distance - y.distance || x.order - y.order);
  return [...new Set(ranked.map((r) => r.name))].slice(0, Math.max(0, max));
}
