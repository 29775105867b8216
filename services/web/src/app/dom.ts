import { formatNumber, translateTree } from '#lib/app/i18n';

/** The element with this id, checked to be of the expected type (the markup lives in index.html). */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`index.html has no <${type.name}> #${id}`);
  return element;
}

/** Shows one message in an element, or clears it. Text only: nothing from the network becomes markup. */
export function say(element: HTMLElement, message = ''): void {
  element.textContent = message;
}

/** Shows a message that may be an error (then in the error colour), or clears it. */
export function tell(element: HTMLElement, message = '', { error = false } = {}): void {
  element.textContent = message;
  element.classList.toggle('error', error && message !== '');
}

/**
 * A sentence with its `{placeholders}` filled in. Whole sentences live in each screen's TEXT table
 * (a later task translates them): nothing is glued together from pieces.
 */
export function fill(sentence: string, values: Record<string, string | number>): string {
  return sentence.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    // Counts as the language writes them (1,234); words as they are.
    return value === undefined ? whole : typeof value === 'number' ? formatNumber(value) : value;
  });
}

/** Replaces the screen with a fresh copy of a <template>: no state of the last screen survives. */
export function showTemplate(screen: HTMLElement, templateId: string): void {
  screen.replaceChildren(templateCopy(templateId));
}

/** A fresh copy of a <template>'s content, in the app's language. */
export function templateCopy(templateId: string): DocumentFragment {
  const copy = byId(templateId, HTMLTemplateElement).content.cloneNode(true) as DocumentFragment;
  translateTree(copy);
  return copy;
}

/**
 * Fills an element with a whole sentence whose `{placeholders}` are elements (a name in bold):
 * the sentence decides where they go, so a translation may put them anywhere.
 */
export function fillInto(target: HTMLElement, sentence: string, parts: Record<string, Node>): void {
  target.replaceChildren(
    ...sentence.split(/(\{\w+\})/).map((piece) => {
      const name = /^\{(\w+)\}$/.exec(piece)?.[1];
      return name !== undefined && parts[name] ? parts[name]! : document.createTextNode(piece);
    }),
  );
}

/** A new element with text content and attributes (text only, never markup). */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  { text, className, attributes = {} }: { text?: string; className?: string; attributes?: Record<string, string> } = {},
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

/** Only http(s) and data:image URLs reach an <img>. */
export function isImageUrl(value: string | undefined): value is string {
  if (value === undefined) return false;
  if (value.startsWith('data:image/')) return true;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

export { formatDate } from '#lib/app/i18n';
