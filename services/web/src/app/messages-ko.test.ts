import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KO } from '#lib/app/messages-ko';

// Every string of the app has its Korean: the text and readable attributes of index.html, every
// screen's TEXT table, the signed-out screens' titles and the client's error sentences. English
// is the key (i18n.ts); a Korean sentence has exactly the English one's placeholders.
const APP = new URL('./', import.meta.url);
const read = (url: URL) => readFileSync(url, 'utf8');
const normalize = (text: string) => text.replace(/\s+/g, ' ').trim();
const unquote = (literal: string) => literal.slice(1, -1).replace(/\\(['"`\\])/g, '$1');

function htmlStrings(html: string): string[] {
  const body = html.replace(/<!--[\s\S]*?-->/g, '').replace(/<(script|style)[\s\S]*?<\/\1>/g, '');
  const texts = [...body.matchAll(/>([^<>]+)</g)].map((match) => match[1]!);
  const attributes = [...body.matchAll(/\s(?:aria-label|placeholder|title|alt|aria-roledescription)="([^"]+)"/g)].map((match) => match[1]!);
  return [...texts, ...attributes].map(normalize).filter((text) => /[A-Za-z]/.test(text));
}

/** The values of each `localized({ ... })` table, and of the tables named. */
function tableStrings(source: string, names: RegExp = /localized\(\{/g): string[] {
  const strings: string[] = [];
  for (const start of source.matchAll(names)) {
    const body = source.slice(start.index + start[0].length, source.indexOf('\n}', start.index));
    for (const entry of body.matchAll(/:\s*((['"`])(?:\\.|(?!\2)[^\\])*\2)/g)) strings.push(normalize(unquote(entry[1]!)));
  }
  return strings;
}

function appStrings(): Set<string> {
  const strings = htmlStrings(read(new URL('../index.html', APP)));
  for (const file of readdirSync(APP).filter((name) => name.endsWith('.ts') && !name.includes('.test.') && name !== 'messages-ko.ts'))
    strings.push(...tableStrings(read(new URL(file, APP))));
  strings.push(...tableStrings(read(new URL('main.ts', APP)), /AUTH_SCREENS[^=]*= \{/g).filter((text) => text.includes(' ')));
  const errors = read(new URL('../../../../packages/client/src/plain-errors.ts', APP));
  strings.push(...tableStrings(errors, /const (?:IN_ENGLISH|FIELD_WORDS_IN_ENGLISH)[^=]*= \{/g));
  return new Set(strings.filter((text) => !/^[a-z-]+-template$/.test(text)));
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('the Korean catalog', () => {
  const english = appStrings();

  it('finds the strings of every part of the app (the extraction works)', () => {
    for (const sample of ['Sign in', 'Add photos', 'Uploaded by {name} · {date}', 'Incorrect email or password.', 'Sign in · Event Photos'])
      expect(english, sample).toContain(sample);
  });

  it('has every string of the app', () => {
    expect([...english].filter((text) => KO[text] === undefined)).toEqual([]);
  });

  it('keeps each sentence whole: the same placeholders, and none glued on', () => {
    for (const [source, korean] of Object.entries(KO)) expect(placeholders(korean), source).toEqual(placeholders(source));
  });

  it('has nothing the app no longer says', () => {
    expect(Object.keys(KO).filter((text) => !english.has(text))).toEqual([]);
  });
});
