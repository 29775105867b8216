import { KO } from '#lib/app/messages-ko';

// The app speaks English and Korean. English is the source: every sentence is written once, in
// English, in index.html or a screen's TEXT table, and the Korean catalog (messages-ko.ts) is keyed
// by that English sentence, whitespace collapsed. Sentences keep their `{placeholders}` in both
// languages (dom.ts `fill`), so no sentence is glued together from pieces. The language comes from
// the browser's preferences unless the user chose one (the switch in the header, kept in
// localStorage); changing it reloads the page (uploads resume by themselves).

export const LANGUAGES = { en: 'English', ko: '한국어' } as const;
export type Language = keyof typeof LANGUAGES;

const STORAGE_KEY = 'event-photos.language';
/** Attributes that hold words a person reads or hears. */
const TEXT_ATTRIBUTES = ['aria-label', 'placeholder', 'title', 'alt', 'aria-roledescription'] as const;

/** The user's choice if they made one, else the first of the browser's languages we speak, else English. */
export function chooseLanguage(preferred: readonly string[], saved: string | null): Language {
  if (saved && saved in LANGUAGES) return saved as Language;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0]!;
    if (base in LANGUAGES) return base as Language;
  }
  return 'en';
}

function savedChoice(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

let current: Language =
  typeof navigator === 'undefined' ? 'en' : chooseLanguage(navigator.languages ?? [navigator.language], savedChoice());

export function language(): Language {
  return current;
}

/** For tests: speak `lang` from now on. */
export function useLanguage(lang: Language): void {
  current = lang;
}

/** Keeps the choice and draws the app again in that language. */
export function switchLanguage(lang: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // storage disabled: the choice lasts this page only
  }
  location.reload();
}

const normalize = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The sentence in the current language (the English itself when the catalog has none). */
export function translate(english: string): string {
  if (current === 'en') return english;
  return KO[normalize(english)] ?? english;
}

/** A screen's TEXT table, each sentence in the current language: `const TEXT = localized({ ... })`. */
export function localized<T extends Record<string, string>>(table: T): T {
  if (current === 'en') return table;
  return Object.fromEntries(Object.entries(table).map(([key, english]) => [key, translate(english)])) as T;
}

/** Every text node and readable attribute under `root` (a template's copy, the page's shell), in the current language. */
export function translateTree(root: Node): void {
  if (current === 'en') return;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  for (let node: Node | null = walker.currentNode; node; node = walker.nextNode()) {
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node.textContent ?? '';
      const key = normalize(text);
      const korean = key ? KO[key] : undefined;
      // The surrounding white space stays: it separates the text from its neighbours.
      if (korean) node.textContent = `${/^\s*/.exec(text)![0]}${korean}${/\s*$/.exec(text)![0]}`;
    } else if (node instanceof Element) {
      for (const name of TEXT_ATTRIBUTES) {
        const value = node.getAttribute(name);
        if (value && KO[normalize(value)]) node.setAttribute(name, KO[normalize(value)]!);
      }
    }
  }
}

const dateFormats = new Map<Language, Intl.DateTimeFormat>();
/** A date and time as people of the language write it (2026. 6. 1. 오후 6:00 / Jun 1, 2026, 6:00 PM). */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  let format = dateFormats.get(current);
  if (!format) dateFormats.set(current, (format = new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' })));
  return format.format(date);
}

/** A count as people of the language write it (1,234). */
export function formatNumber(value: number): string {
  return new Intl.NumberFormat(current).format(value);
}
