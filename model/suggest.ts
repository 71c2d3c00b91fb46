/**
 * "Did you mean …?" for a name that matches nothing: the known name fewest edits away, if it is
 * close enough to be a slip of the keyboard rather than a different name.
 */

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`, ignoring case. */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase(); b = b.toLowerCase();
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

/**
 * The candidate closest to `word`, or undefined when none is close: at most one edit in three
 * characters (so `yelow` finds `yellow` and `enviroment` finds `environment`, while `red` never
 * stands for `blue`). Ties go to the first candidate, in the order the description lists them.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of candidates) {
    if (name === word) continue;
    const d = editDistance(word, name);
    const allowed = Math.max(1, Math.floor(Math.max(word.length, name.length) / 3));
    if (d <= allowed && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

/** `; did you mean x?` when a candidate is close, else the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const near = closest(word, candidates);
  return near === undefined ? "" : `; did you mean ${near}?`;
}
