/** Splits "hello, hi ,cool" into ["hello", "hi", "cool"]: trimmed, lower-cased, no empties or repeats. */
export function parseKeywords(keyword: string): string[] {
  const seen = new Set<string>();
  for (const part of keyword.split(',')) {
    const k = part.trim().replace(/\s+/g, ' ').toLowerCase();
    if (k) seen.add(k);
  }
  return [...seen];
}

const cache = new Map<string, RegExp | null>();

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A matcher for a keyword list: case-insensitive, whole words (a keyword must not be part of a longer
 * word: "hi" matches "hi there" and "oh, hi!" but not "this" or "hire"), Unicode aware.
 */
export function keywordMatcher(keyword: string): RegExp | null {
  let re = cache.get(keyword);
  if (re === undefined) {
    const words = parseKeywords(keyword);
    re = words.length
      ? new RegExp(
          `(?<![\\p{L}\\p{N}_])(?:${words.map((w) => escapeRegExp(w).replace(/ /g, '\\s+')).join('|')})(?![\\p{L}\\p{N}_])`,
          'iu',
        )
      : null;
    if (cache.size > 10_000) cache.clear();
    cache.set(keyword, re);
  }
  return re;
}

export function matchesKeywords(keyword: string, text: string): boolean {
  const re = keywordMatcher(keyword);
  return re?.test(text) ?? false;
}
