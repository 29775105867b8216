import { S3RequestError } from '#lib/sigv4-verifier';
import { escapeXml, unescapeXml } from '#lib/xml-text';

/**
 * ListObjectsV2 on top of s3rver's ListObjects (v1). s3rver encrypts V2 continuation tokens with
 * DES, which Node 22's OpenSSL refuses, so every V2 listing longer than one page answers 500.
 * We ask s3rver for a v1 page after a `marker` instead, and answer in V2's shape; our
 * continuation token is the base64url of the last key or common prefix returned.
 */
export interface ListObjectsV2Request {
  prefix: string;
  delimiter: string;
  maxKeys: number;
  startAfter: string | undefined;
  continuationToken: string | undefined;
  /** Where this page starts: after the token's key, or else after StartAfter. */
  marker: string | undefined;
  fetchOwner: boolean;
  encodeUrl: boolean;
}

const PAGE_LIMIT = 1000;

export function isListObjectsV2(method: string, key: string, rawQuery: string): boolean {
  return method === 'GET' && key === '' && parseQuery(rawQuery).some(([name, value]) => name === 'list-type' && value === '2');
}

/** The V2 request's parameters, and the v1 query string that asks s3rver for the same page. */
export function toListObjectsV1(rawQuery: string): { request: ListObjectsV2Request; v1Query: string } {
  const query = parseQuery(rawQuery);
  const param = (name: string) => query.find(([key]) => key === name)?.[1];
  if (param('marker') !== undefined) {
    throw new S3RequestError(400, 'InvalidArgument', 'Marker unsupported with REST.GET.BUCKET in list-type=2');
  }
  const maxKeysParam = param('max-keys');
  const maxKeys = maxKeysParam === undefined ? PAGE_LIMIT : Number(maxKeysParam);
  if (!/^\d+$/.test(maxKeysParam ?? '0') || maxKeys > 2147483647) {
    throw new S3RequestError(400, 'InvalidArgument', 'Provided max-keys not an integer or within integer range');
  }
  const encodingType = param('encoding-type');
  if (encodingType !== undefined && encodingType !== 'url')
    throw new S3RequestError(400, 'InvalidArgument', 'Invalid Encoding Method specified in Request');
  const continuationToken = param('continuation-token');
  const startAfter = param('start-after');
  const request: ListObjectsV2Request = {
    prefix: param('prefix') ?? '',
    delimiter: param('delimiter') ?? '',
    maxKeys: Math.min(maxKeys, PAGE_LIMIT),
    startAfter,
    continuationToken,
    marker: continuationToken === undefined ? startAfter : decodeToken(continuationToken),
    fetchOwner: param('fetch-owner') === 'true',
    encodeUrl: encodingType === 'url',
  };
  const v1 = new URLSearchParams({
    prefix: request.prefix,
    'max-keys': String(request.maxKeys),
    ...(request.delimiter ? { delimiter: request.delimiter } : {}),
    ...(request.marker ? { marker: request.marker } : {}),
  });
  return { request, v1Query: v1.toString().replace(/\+/g, '%20') };
}

/** Rewrites s3rver's v1 ListBucketResult into the V2 answer for `request`. */
export function toListObjectsV2Xml(v1Xml: string, request: ListObjectsV2Request): string {
  const { marker } = request;
  const contents = blocks(v1Xml, 'Contents').map((xml) => ({ name: unescapeXml(field(xml, 'Key') ?? ''), xml }));
  // s3rver reports a common prefix again on every page after it; a marker at the prefix means done.
  const prefixes = blocks(v1Xml, 'CommonPrefixes')
    .map((xml) => unescapeXml(field(xml, 'Prefix') ?? ''))
    .filter((prefix) => marker === undefined || prefix > marker)
    .map((name) => ({ name, xml: undefined }));
  // S3 counts keys and common prefixes together against MaxKeys; s3rver counts keys only.
  const items = [...contents, ...prefixes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const page = items.slice(0, request.maxKeys);
  const isTruncated = page.length < items.length || field(v1Xml, 'IsTruncated') === 'true';
  const last = page.at(-1);
  const encode = (value: string) => escapeXml(request.encodeUrl ? encodeURIComponent(value).replace(/%2F/g, '/') : value);

  const element = (name: string, value: string | number | undefined) => (value === undefined ? '' : `<${name}>${value}</${name}>`);
  const body = [
    element('Name', field(v1Xml, 'Name')),
    element('Prefix', encode(request.prefix)),
    element('StartAfter', request.startAfter === undefined ? undefined : encode(request.startAfter)),
    element('ContinuationToken', request.continuationToken && escapeXml(request.continuationToken)),
    element('NextContinuationToken', isTruncated && last ? Buffer.from(last.name).toString('base64url') : undefined),
    element('KeyCount', page.length),
    element('MaxKeys', request.maxKeys),
    element('Delimiter', request.delimiter ? encode(request.delimiter) : undefined),
    element('EncodingType', request.encodeUrl ? 'url' : undefined),
    element('IsTruncated', String(isTruncated && last !== undefined)),
    ...page.map(({ name, xml }) => {
      if (xml === undefined) return `<CommonPrefixes><Prefix>${encode(name)}</Prefix></CommonPrefixes>`;
      const withOwner = request.fetchOwner ? xml : xml.replace(/<Owner>.*?<\/Owner>/s, '');
      return `<Contents>${withOwner.replace(/<Key>[^<]*<\/Key>/, `<Key>${encode(name)}</Key>`)}</Contents>`;
    }),
  ].join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${body}</ListBucketResult>`;
}

// Only after the signature check, which refuses malformed percent-encoding.
function parseQuery(rawQuery: string): Array<[string, string]> {
  return rawQuery
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const [name = '', value = ''] = pair.split(/=(.*)/s);
      return [decodeURIComponent(name), decodeURIComponent(value)];
    });
}

function decodeToken(token: string): string {
  const key = Buffer.from(token, 'base64url').toString('utf8');
  if (!key || Buffer.from(key).toString('base64url') !== token) {
    throw new S3RequestError(400, 'InvalidArgument', 'The continuation token provided is incorrect');
  }
  return key;
}

function blocks(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>(.*?)</${tag}>`, 'gs'))].map((match) => match[1]!);
}

function field(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
}
