/** "Did you mean …?" support: edit distance and the closest candidate to a misspelt word. */

/**
 * Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
 * adjacent characters each cost 1 (so `NET_ADMN` → `NET_ADMIN` is 1, `NTE_ADMIN` → `NET_ADMIN` is 1).
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  // Three rolling rows: two back (for transpositions), previous, current.
  let prev2: number[] = new Array(b.length + 1).fill(0);
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur: number[] = new Array(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[b.length]!;
}

/** The default tolerance: about one edit per three characters, at least 1 and at most 3. */
export function defaultMaxDistance(word: string): number {
  return Math.max(1, Math.min(3, Math.floor(word.length / 3)));
}

export interface ClosestOptions {
  /** Compare case-sensitively (default: case-insensitive, so `hostnetwork` finds `hostNetwork`). */
  caseSensitive?: boolean;
}

/**
 * The candidate closest to `word` within `maxDistance` edits (default: {@link defaultMaxDistance}),
 * or undefined when none is close enough. An exact match is returned as is; ties go to the earlier candidate.
 */
export function closest(word: string, candidates: Iterable<string>, maxDistance?: number, opts: ClosestOptions = {}): string | undefined {
  const norm = (s: string) => (opts.caseSensitive ? s : s.toLowerCase());
  const w = norm(word);
  const limit = maxDistance ?? defaultMaxDistance(word);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const cn = norm(c);
    // Lengths that differ by more than the limit cannot be within it.
    if (Math.abs(cn.length - w.length) > limit) continue;
    const d = editDistance(w, cn);
    if (d < bestDistance && d <= limit) {
      best = c;
      bestDistance = d;
      if (d === 0) break;
    }
  }
  return best;
}
