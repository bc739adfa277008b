/** A source of numbers in [0, 1). */
export type Random = () => number;

/**
 * Resolves spintax: `{Hi|Hello} there` becomes "Hi there" or "Hello there"; groups nest
 * (`{a|{b|c}}`). Braces that do not form a group are left as they are.
 */
export function resolveSpintax(template: string, random: Random = Math.random): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    if (ch === '{') {
      const end = matchingBrace(template, i);
      if (end !== -1) {
        const options = splitTopLevel(template.slice(i + 1, end));
        const index = Math.floor(random() * options.length);
        // A broken random source (NaN, out of range) still yields a real option.
        const pick =
          options[Number.isFinite(index) ? Math.min(options.length - 1, Math.max(0, index)) : 0] ?? '';
        out += resolveSpintax(pick, random);
        i = end + 1;
        continue;
      }
    }
    out += ch;
    i++;
  }
  return out;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '{') depth++;
    else if (ch === '}') depth--;
    else if (ch === '|' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

/** Replaces every `[name]` (any case) with the given name. */
export function fillName(text: string, name: string): string {
  return text.replace(/\[name\]/gi, () => name);
}

/** A small deterministic PRNG (mulberry32) seeded from a string, so a decision can be replayed. */
export function seededRandom(seed: string): Random {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let state = h >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
