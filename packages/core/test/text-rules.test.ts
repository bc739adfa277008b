import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildVcard,
  fillName,
  keywordMatcher,
  matchesKeywords,
  parseKeywords,
  resolveSpintax,
  seededRandom,
} from '../src/index.js';

describe('spintax', () => {
  it('picks one option per group, nested groups too', () => {
    expect(resolveSpintax('{Hi|Hello} there', () => 0)).toBe('Hi there');
    expect(resolveSpintax('{Hi|Hello} there', () => 0.99)).toBe('Hello there');
    expect(resolveSpintax('{a|{b|c}}', () => 0.99)).toBe('c');
    expect(resolveSpintax('{one}', () => 0.5)).toBe('one');
    expect(resolveSpintax('{|x}', () => 0)).toBe('');
  });

  it('leaves unbalanced braces alone', () => {
    expect(resolveSpintax('a { b', () => 0)).toBe('a { b');
    expect(resolveSpintax('a } b', () => 0)).toBe('a } b');
    expect(resolveSpintax('{a|b', () => 0)).toBe('{a|b');
  });

  it('always yields one of the options', () => {
    const word = fc.stringMatching(/^[a-z ]{0,8}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 5 }),
        fc.oneof(fc.double({ min: 0, max: 0.9999999, noNaN: true }), fc.constantFrom(Number.NaN, -1, 1, 7)),
        (opts, r) => {
          expect(opts).toContain(resolveSpintax(`{${opts.join('|')}}`, () => r));
        },
      ),
    );
  });

  it('returns text without braces unchanged', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('{')),
        (text) => {
          expect(resolveSpintax(text)).toBe(text);
        },
      ),
    );
  });

  it('fills [name] in any case and is deterministic when seeded', () => {
    expect(fillName('Hi [name], [NAME]!', 'Ada')).toBe('Hi Ada, Ada!');
    expect(fillName('Hi [name]', '$& $1')).toBe('Hi $& $1');
    const a = resolveSpintax('{a|b|c|d|e|f}{1|2|3|4}', seededRandom('msg-1'));
    expect(resolveSpintax('{a|b|c|d|e|f}{1|2|3|4}', seededRandom('msg-1'))).toBe(a);
  });
});

describe('keywords', () => {
  it('parses comma-separated lists', () => {
    expect(parseKeywords('hello,hi,cool')).toEqual(['hello', 'hi', 'cool']);
    expect(parseKeywords(' Hello , ,HI,hello ,good   morning')).toEqual(['hello', 'hi', 'good morning']);
    expect(parseKeywords(' , ')).toEqual([]);
    expect(keywordMatcher(',')).toBeNull();
  });

  it('matches whole words, case-insensitively', () => {
    expect(matchesKeywords('hello,hi,cool', 'Oh, HI!')).toBe(true);
    expect(matchesKeywords('hello,hi,cool', 'this is hip')).toBe(false);
    expect(matchesKeywords('hi', 'hi')).toBe(true);
    expect(matchesKeywords('hi', 'high')).toBe(false);
    expect(matchesKeywords('price', 'what is the price?')).toBe(true);
    expect(matchesKeywords('good morning', 'GOOD   Morning all')).toBe(true);
    expect(matchesKeywords('café', 'un CAFÉ, svp')).toBe(true);
    expect(matchesKeywords('café', 'cafés')).toBe(false);
    expect(matchesKeywords('c++', 'I like c++ a lot')).toBe(true);
    expect(matchesKeywords('a.b', 'axb')).toBe(false);
  });

  it('finds a keyword between separators and never inside a longer word', () => {
    const word = fc.stringMatching(/^[a-z]{2,8}$/);
    fc.assert(
      fc.property(word, word, word, fc.constantFrom(' ', ', ', '! ', '\n'), (kw, before, after, sep) => {
        expect(matchesKeywords(kw, `${before}${sep}${kw.toUpperCase()}${sep}${after}`)).toBe(true);
        expect(matchesKeywords(kw, `${before}${kw}${after}`)).toBe(`${before}${kw}${after}` === kw);
      }),
    );
  });
});

describe('vcard', () => {
  it("matches the reference's layout", () => {
    expect(
      buildVcard({ fullName: 'john doe', organization: 'Men In Black', phoneNumber: '919999999999' }),
    ).toBe(
      'BEGIN:VCARD\nVERSION:3.0\nFN:john doe\nORG:Men In Black;\nTEL;type=CELL;type=VOICE;waid=919999999999:919999999999\nEND:VCARD',
    );
    expect(buildVcard({ fullName: 'Barnks 2', phoneNumber: '2349048988056' })).toBe(
      'BEGIN:VCARD\nVERSION:3.0\nFN:Barnks 2\nORG:;\nTEL;type=CELL;type=VOICE;waid=2349048988056:2349048988056\nEND:VCARD',
    );
  });

  it('escapes values so a name cannot add lines', () => {
    const card = buildVcard({ fullName: 'Eve\nTEL:123;x,y\\', phoneNumber: '15550001111' });
    expect(card.split('\n')).toHaveLength(6);
    expect(card).toContain('FN:Eve\\nTEL:123\\;x\\,y\\\\');
  });
});
