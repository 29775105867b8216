// The body of CreateInvalidation, read as CloudFront reads it: an InvalidationBatch of paths and a
// CallerReference. A small strict reader rather than a general XML parser: no DOCTYPE, no entity
// but the five predefined and character references, bounded depth and element count, so no body
// can make it expand, recurse or allocate past what it was sent.

export const CLOUDFRONT_XMLNS = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';

/** CloudFront's limits ("Concurrent invalidation request maximum", "Invalidation paths"). */
export const INVALIDATION_LIMITS = { filePaths: 3000, wildcardPaths: 15, pathChars: 4000 } as const;

/** A refusal as CloudFront words it: its HTTP status and error code. */
export class CloudFrontError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface InvalidationBatch {
  callerReference: string;
  paths: string[];
}

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const MAX_DEPTH = 8;
/** 3,000 paths and the few elements around them, with room to refuse more as too many paths. */
const MAX_ELEMENTS = INVALIDATION_LIMITS.filePaths * 2 + 16;
const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;
const OPEN_TAG = /<([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;
const CLOSE_TAG = /<\/([^\s>]+)\s*>/y;
const malformed = (why: string) => new CloudFrontError(400, 'MalformedInput', why);

/** The text of an element: the predefined entities and character references resolved, nothing else. */
function resolveEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&([^;&]{0,12});|&/g, (entity, body: string | undefined) => {
    if (body === undefined) throw malformed('Unescaped & in text');
    const code = /^#x([0-9a-f]{1,6})$/i.exec(body)?.[1] ?? /^#([0-9]{1,7})$/.exec(body)?.[1];
    if (code !== undefined) {
      const point = body.startsWith('#x') || body.startsWith('#X') ? parseInt(code, 16) : Number(code);
      if (point === 0 || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) throw malformed(`Invalid character reference ${entity}`);
      return String.fromCodePoint(point);
    }
    const value = named[body];
    if (value === undefined) throw malformed(`Undeclared entity ${entity}`);
    return value;
  });
}

/** The document's root element, or MalformedInput. */
export function parseXml(xml: string): XmlElement {
  let at = 0;
  let elements = 0;
  // Sticky expressions read at `at` without copying the rest of the document at each element.
  const readAt = (pattern: RegExp) => {
    pattern.lastIndex = at;
    return pattern.exec(xml);
  };
  const skipSpace = () => {
    while (at < xml.length && /\s/.test(xml[at]!)) at++;
  };
  if (xml.charCodeAt(0) === 0xfeff) at = 1;
  skipSpace();
  if (xml.startsWith('<?xml', at)) {
    const end = xml.indexOf('?>', at);
    if (end === -1) throw malformed('Unterminated XML declaration');
    at = end + 2;
  }
  skipSpace();

  const element = (depth: number): XmlElement => {
    if (depth > MAX_DEPTH) throw malformed('Elements nested too deep');
    if (++elements > MAX_ELEMENTS) throw malformed('Too many elements');
    const open = readAt(OPEN_TAG);
    if (!open) throw malformed(xml.startsWith('<!', at) ? 'DOCTYPE, comments and CDATA are not accepted' : 'Expected an element');
    const [whole, name, attributeText, selfClosing] = open as unknown as [string, string, string, string];
    if (!NAME.test(name)) throw malformed(`Invalid element name ${JSON.stringify(name.slice(0, 40))}`);
    const attributes: Record<string, string> = {};
    for (const match of attributeText.matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      if (match[1]! in attributes) throw malformed(`Repeated attribute ${match[1]}`);
      attributes[match[1]!] = resolveEntities(match[2] ?? match[3] ?? '');
    }
    at += whole.length;
    const node: XmlElement = { name, attributes, children: [], text: '' };
    if (selfClosing) return node;
    for (;;) {
      const next = xml.indexOf('<', at);
      if (next === -1) throw malformed(`Unterminated element ${name}`);
      node.text += resolveEntities(xml.slice(at, next));
      at = next;
      if (xml.startsWith('</', at)) {
        const close = readAt(CLOSE_TAG);
        if (close?.[1] !== name) throw malformed(`Expected </${name}>`);
        at += close[0].length;
        return node;
      }
      node.children.push(element(depth + 1));
    }
  };

  const root = element(1);
  skipSpace();
  if (at !== xml.length) throw malformed('Content after the root element');
  return root;
}

/** The one child of that name, or MalformedInput when there is none (if required) or several. */
function only(parent: XmlElement, name: string, required: boolean): XmlElement | undefined {
  const found = parent.children.filter((child) => child.name === name);
  if (found.length > 1) throw malformed(`Repeated element ${name}`);
  if (required && found.length === 0) throw malformed(`Missing element ${name} in ${parent.name}`);
  return found[0];
}

function allowOnly(parent: XmlElement, names: string[]): void {
  const unknown = parent.children.find((child) => !names.includes(child.name));
  if (unknown) throw malformed(`Unexpected element ${unknown.name} in ${parent.name}`);
  if (parent.children.length > 0 && parent.text.trim() !== '') throw malformed(`Unexpected text in ${parent.name}`);
}

/**
 * The batch a CreateInvalidation body holds, checked as CloudFront checks it: the shape
 * (MalformedInput), Quantity against the paths (InconsistentQuantities), each path (InvalidArgument:
 * it starts with `/`, has `*` only at its end, is at most 4,000 characters), at most 3,000 paths
 * (BatchTooLarge). What is in progress is the caller's to check.
 */
export function parseInvalidationBatch(body: string): InvalidationBatch {
  const root = parseXml(body);
  if (root.name !== 'InvalidationBatch') throw malformed(`Expected InvalidationBatch, not ${root.name.slice(0, 40)}`);
  const namespace = root.attributes['xmlns'];
  if (namespace !== undefined && namespace !== CLOUDFRONT_XMLNS) throw malformed(`Unknown namespace ${namespace.slice(0, 80)}`);
  allowOnly(root, ['Paths', 'CallerReference']);
  const paths = only(root, 'Paths', true)!;
  allowOnly(paths, ['Quantity', 'Items']);
  const quantityText = only(paths, 'Quantity', true)!.text.trim();
  if (!/^\d{1,9}$/.test(quantityText)) throw malformed('Quantity must be an integer');
  const items = only(paths, 'Items', false);
  if (items) allowOnly(items, ['Path']);
  const list = (items?.children ?? []).map((item) => {
    if (item.children.length > 0) throw malformed('Path holds text only');
    return item.text;
  });
  if (Number(quantityText) !== list.length) {
    throw new CloudFrontError(400, 'InconsistentQuantities', "The value of Quantity and the size of Items don't match.");
  }
  const callerReference = only(root, 'CallerReference', true)!;
  if (callerReference.children.length > 0 || callerReference.text.trim() === '')
    throw new CloudFrontError(400, 'InvalidArgument', 'CallerReference is required.');
  if (list.length === 0) throw new CloudFrontError(400, 'InvalidArgument', 'Your request contains no invalidation paths.');
  if (list.length > INVALIDATION_LIMITS.filePaths)
    throw new CloudFrontError(413, 'BatchTooLarge', 'Invalidation batch specified is too large.');
  for (const path of list) {
    const wildcard = path.indexOf('*');
    if (!path.startsWith('/') || path.length > INVALIDATION_LIMITS.pathChars || (wildcard !== -1 && wildcard !== path.length - 1)) {
      throw new CloudFrontError(400, 'InvalidArgument', 'Your request contains one or more invalid invalidation paths.');
    }
  }
  return { callerReference: callerReference.text, paths: list };
}
