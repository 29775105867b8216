import { createVerify, type KeyObject } from 'node:crypto';
import { isIPv4 } from 'node:net';

// How CloudFront checks a request to a behaviour with trusted key groups (signed URLs), written
// apart from the signer the functions use (@aws-sdk/cloudfront-signer) so that each checks the
// other. Custom policies (`Policy`) and canned ones (`Expires`); `Signature` is RSA over the
// policy's exact bytes (SHA-1, or SHA-256 with `Hash-Algorithm=SHA256`), and both are in
// CloudFront's base64 (`+` -> `-`, `=` -> `_`, `/` -> `~`).

/** A refusal as CloudFront words it: 403 with `<Error><Code>…</Code><Message>…</Message></Error>`. */
export interface SignedUrlRefusal {
  code: 'MissingKey' | 'InvalidKey' | 'MalformedPolicy' | 'AccessDenied';
  message: string;
}

const MISSING_KEY: SignedUrlRefusal = { code: 'MissingKey', message: 'Missing Key-Pair-Id query parameter or cookie value' };
const UNKNOWN_KEY: SignedUrlRefusal = { code: 'InvalidKey', message: 'Unknown Key' };
const MALFORMED_POLICY: SignedUrlRefusal = { code: 'MalformedPolicy', message: 'Malformed Policy' };
const ACCESS_DENIED: SignedUrlRefusal = { code: 'AccessDenied', message: 'Access denied' };

/** What CloudFront takes out of the query before it compares the URL with the policy (and before its cache and origin). */
const SIGNING_PARAMETERS = new Set(['Policy', 'Expires', 'Signature', 'Key-Pair-Id', 'Hash-Algorithm']);
const CONDITIONS = new Set(['DateLessThan', 'DateGreaterThan', 'IpAddress']);

export interface SignedRequest {
  /** `http(s)://{Host}{path}`, the path as sent (still percent-encoded). */
  origin: string;
  rawPath: string;
  /** The query as sent, without '?'. */
  rawQuery: string;
  /** The viewer's address. */
  sourceIp: string;
  /** Milliseconds since the epoch. */
  now: number;
}

/**
 * Why CloudFront would refuse the request, or undefined when the signature lets it through.
 * `trustedKeys` are the public keys of the behaviour's trusted key groups, by id.
 */
export function refusalOf(request: SignedRequest, trustedKeys: ReadonlyMap<string, KeyObject>): SignedUrlRefusal | undefined {
  const query = parseQuery(request.rawQuery);
  const value = (name: string) => query.find(([key]) => key === name)?.[1];
  const keyPairId = value('Key-Pair-Id');
  if (!keyPairId) return MISSING_KEY;
  const publicKey = trustedKeys.get(keyPairId);
  if (!publicKey) return UNKNOWN_KEY;

  // The URL the policy is about: the signing parameters taken out, the rest as sent.
  const rest = query.filter(([key]) => !SIGNING_PARAMETERS.has(key)).map(([, , raw]) => raw);
  const url = `${request.origin}${request.rawPath}${rest.length > 0 ? `?${rest.join('&')}` : ''}`;

  const encodedPolicy = value('Policy');
  const expires = value('Expires');
  let policyBytes: Buffer;
  if (encodedPolicy !== undefined) {
    const decoded = fromCloudFrontBase64(encodedPolicy);
    if (!decoded) return MALFORMED_POLICY;
    policyBytes = decoded;
  } else if (expires !== undefined) {
    if (!/^\d{1,12}$/.test(expires)) return MALFORMED_POLICY;
    // A canned policy is this statement, byte for byte.
    policyBytes = Buffer.from(
      `{"Statement":[{"Resource":${JSON.stringify(url)},"Condition":{"DateLessThan":{"AWS:EpochTime":${Number(expires)}}}}]}`,
    );
  } else return ACCESS_DENIED;

  const statement = statementOf(policyBytes);
  if (!statement) return MALFORMED_POLICY;

  const algorithm = value('Hash-Algorithm');
  if (algorithm !== undefined && algorithm !== 'SHA256') return ACCESS_DENIED;
  const signature = fromCloudFrontBase64(value('Signature') ?? '');
  if (!signature || signature.length === 0) return ACCESS_DENIED;
  const verifier = createVerify(algorithm === 'SHA256' ? 'RSA-SHA256' : 'RSA-SHA1');
  verifier.update(policyBytes);
  if (!verifier.verify(publicKey, signature)) return ACCESS_DENIED;

  const { Resource: resource, Condition: condition } = statement;
  if (resource !== undefined && !wildcardMatch(resource, url)) return ACCESS_DENIED;
  const seconds = request.now / 1000;
  if (!(seconds < condition.DateLessThan)) return ACCESS_DENIED;
  if (condition.DateGreaterThan !== undefined && seconds < condition.DateGreaterThan) return ACCESS_DENIED;
  if (condition.IpAddress !== undefined && !inCidr(request.sourceIp, condition.IpAddress)) return ACCESS_DENIED;
  return undefined;
}

/** CloudFront's error document. */
export function refusalBody({ code, message }: SignedUrlRefusal): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

interface Statement {
  Resource?: string;
  Condition: { DateLessThan: number; DateGreaterThan?: number; IpAddress?: string };
}

/** The policy's one statement, or undefined when CloudFront would call it malformed. */
function statementOf(bytes: Buffer): Statement | undefined {
  let policy: unknown;
  try {
    policy = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  const statements = (policy as { Statement?: unknown } | null)?.Statement;
  if (!Array.isArray(statements) || statements.length !== 1) return undefined;
  const { Resource: resource, Condition: condition } = (statements[0] ?? {}) as { Resource?: unknown; Condition?: Record<string, unknown> };
  if (resource !== undefined && typeof resource !== 'string') return undefined;
  if (!condition || typeof condition !== 'object' || Object.keys(condition).some((name) => !CONDITIONS.has(name))) return undefined;
  const epoch = (name: string) => {
    const value = (condition[name] as Record<string, unknown> | undefined)?.['AWS:EpochTime'];
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
  };
  const dateLessThan = epoch('DateLessThan');
  const dateGreaterThan = epoch('DateGreaterThan');
  const ip = (condition['IpAddress'] as Record<string, unknown> | undefined)?.['AWS:SourceIp'];
  if (dateLessThan === undefined) return undefined;
  if ('DateGreaterThan' in condition && dateGreaterThan === undefined) return undefined;
  if ('IpAddress' in condition && (typeof ip !== 'string' || !cidrParts(ip))) return undefined;
  return {
    ...(resource !== undefined ? { Resource: resource } : {}),
    Condition: {
      DateLessThan: dateLessThan,
      ...(dateGreaterThan !== undefined ? { DateGreaterThan: dateGreaterThan } : {}),
      ...(typeof ip === 'string' ? { IpAddress: ip } : {}),
    },
  };
}

/** Name, decoded value and the pair as sent, in order; a pair that does not decode keeps its raw form. */
function parseQuery(rawQuery: string): Array<[string, string, string]> {
  return rawQuery
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const [name, value] = eq === -1 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
      return [decodeOrRaw(name), decodeOrRaw(value), pair];
    });
}

function decodeOrRaw(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** CloudFront's URL-safe base64; undefined for anything else. */
function fromCloudFrontBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9\-_~]*$/.test(text)) return undefined;
  const standard = text.replaceAll('-', '+').replaceAll('_', '=').replaceAll('~', '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(standard) || standard.length % 4 !== 0) return undefined;
  return Buffer.from(standard, 'base64');
}

/** A policy's Resource against the URL (and IAM's patterns): `*` any run of characters (none too), `?` exactly one. */
export function wildcardMatch(pattern: string, value: string, { ignoreCase = false } = {}): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'si' : 's').test(value);
}

function cidrParts(cidr: string): { address: number; bits: number } | undefined {
  const [ip, bitsText = '32', extra] = cidr.split('/');
  const bits = Number(bitsText);
  if (extra !== undefined || !ip || !isIPv4(ip) || !/^\d{1,2}$/.test(bitsText) || bits > 32) return undefined;
  return { address: ipv4Number(ip), bits };
}

function inCidr(sourceIp: string, cidr: string): boolean {
  const range = cidrParts(cidr);
  const ip = sourceIp.replace(/^::ffff:/, '');
  if (!range || !isIPv4(ip)) return false;
  const mask = range.bits === 0 ? 0 : (~0 << (32 - range.bits)) >>> 0;
  return (ipv4Number(ip) & mask) >>> 0 === (range.address & mask) >>> 0;
}

function ipv4Number(ip: string): number {
  return ip.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
}
