import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';

export type Yaml = Record<string, any>;

/** The stage the local stack plays (`${sls:stage}`). */
export const LOCAL_STAGE = 'local';

// A Framework variable: a known source, then `:`. Anything else (`${AWS::Region}`, `${Bucket}`)
// belongs to CloudFormation's Fn::Sub and stays as it is, as the Framework leaves it.
const VARIABLE = /\$\{((?:sls|self|param|opt|env):[^${}]*)\}/;

/**
 * Reads a serverless file and resolves its `${...}` variables the way the Framework does for
 * the sources these files use: `sls:stage`, `self:`, `param:` (stage params, then `default`),
 * `opt:` and `env:`, each with an optional fallback. Innermost variables resolve first, so a
 * fallback may hold variables itself. CloudFormation intrinsics stay as they are.
 */
export async function readServerlessFile(root: string, file: string, stage = LOCAL_STAGE): Promise<Yaml> {
  const raw = parse(await readFile(path.resolve(root, file), 'utf8')) as Yaml;
  const params: Yaml = { ...raw['params']?.['default'], ...raw['params']?.[stage] };

  const lookup = (expression: string, depth: number): unknown => {
    const [source, ...rest] = splitFallback(expression);
    const fallback = rest.length ? unquote(rest.join(',').trim()) : undefined;
    const [kind, address = ''] = source!.trim().split(/:(.*)/s) as [string, string?];
    let value: unknown;
    if (kind === 'sls' && address === 'stage') value = stage;
    else if (kind === 'self') value = address.split('.').reduce<any>((node, part) => node?.[part], raw);
    else if (kind === 'param') value = params[address];
    else if (kind === 'env') value = process.env[address];
    else if (kind === 'opt')
      value = undefined; // no CLI options locally: the fallback applies
    else throw new Error(`${file}: unsupported variable \${${expression}}`);
    value ??= fallback;
    if (value === undefined) throw new Error(`${file}: \${${expression}} has no value and no fallback`);
    return resolve(value, depth + 1);
  };

  const resolve = (value: unknown, depth = 0): unknown => {
    if (depth > 20) throw new Error(`${file}: variables nest too deep`);
    if (Array.isArray(value)) return value.map((item) => resolve(item, depth));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolve(item, depth)]));
    }
    if (typeof value !== 'string') return value;
    let text = value;
    for (let match = VARIABLE.exec(text); match; match = VARIABLE.exec(text)) {
      const resolved = lookup(match[1]!, depth);
      // A string that is exactly one variable takes the variable's value, whatever its type.
      if (match[0] === text && typeof resolved !== 'string') return resolved;
      text = text.slice(0, match.index) + String(resolved) + text.slice(match.index + match[0].length);
    }
    return text;
  };

  return resolve(raw) as Yaml;
}

function splitFallback(expression: string): string[] {
  const parts: string[] = [];
  let quote: string | null = null;
  let current = '';
  for (const char of expression) {
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === ',') {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}

function unquote(text: string): string | number {
  const quoted = /^(['"])(.*)\1$/s.exec(text);
  if (quoted) return quoted[2]!;
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

/** What the local stack stands in for: the value of each Ref, Fn::GetAtt and pseudo parameter. */
export interface IntrinsicValues {
  refs: Record<string, string>;
  /** `LogicalId.Attribute` */
  attributes: Record<string, string>;
  /** Export name -> value (what Fn::ImportValue reads). */
  exports?: Record<string, string>;
}

/**
 * Evaluates the CloudFormation intrinsics these templates use (Ref, Fn::GetAtt, Fn::Sub,
 * Fn::Join, Fn::Split, Fn::ImportValue) against the local stand-ins. Unknown names fail with
 * the name, so a template change that the local stack cannot follow is caught at start.
 */
export function evaluate(value: unknown, values: IntrinsicValues): any {
  if (Array.isArray(value)) return value.map((item) => evaluate(item, values));
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [name, argument] = entries[0] ?? [];
  if (entries.length !== 1 || !(name === 'Ref' || name!.startsWith('Fn::'))) {
    return Object.fromEntries(entries.map(([key, item]) => [key, evaluate(item, values)]));
  }
  const known = (table: Record<string, string> | undefined, key: string, what: string) => {
    const found = table?.[key];
    if (found === undefined) throw new Error(`The local stack has no value for ${what} ${key}`);
    return found;
  };
  switch (name) {
    case 'Ref':
      return known(values.refs, String(argument), 'Ref');
    case 'Fn::GetAtt': {
      const [id, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
      return known(values.attributes, `${id}.${attribute}`, 'Fn::GetAtt');
    }
    case 'Fn::ImportValue':
      return known(values.exports, String(evaluate(argument, values)), 'Fn::ImportValue');
    case 'Fn::Join': {
      const [separator, items] = argument as [string, unknown[]];
      return (evaluate(items, values) as unknown[]).join(separator);
    }
    case 'Fn::Split': {
      const [separator, text] = argument as [string, unknown];
      return String(evaluate(text, values)).split(separator);
    }
    case 'Fn::Sub': {
      const [template, extra = {}] = Array.isArray(argument) ? argument : [argument];
      return String(template).replace(/\$\{([^}]+)\}/g, (_, variable: string) => {
        if (variable in extra) return String(evaluate(extra[variable], values));
        return variable.includes('.') ? known(values.attributes, variable, 'Fn::GetAtt') : known(values.refs, variable, 'Ref');
      });
    }
    default:
      throw new Error(`The local stack does not evaluate ${name}`);
  }
}
