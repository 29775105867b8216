import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { lambdaContext } from '#lib/lambda-context';

export interface HttpRoute {
  functionName: string;
  method: string;
  path: string;
  /** Matches a request path; capture groups follow `params`. */
  pattern: RegExp;
  params: string[];
  authorizer: string | undefined;
}

export interface S3Trigger {
  functionName: string;
  prefix: string;
  suffix: string;
  events: string[];
}

export interface FunctionSpec {
  name: string;
  /** Module file and export name, resolved from `handler: path/to/file.export`. */
  file: string;
  exportName: string;
  timeoutSeconds: number;
  memoryMB: number;
}

export interface ServerlessApp {
  functions: Map<string, FunctionSpec>;
  routes: HttpRoute[];
  s3Triggers: S3Trigger[];
}

type Yaml = Record<string, any>;

/** Reads the functions, HTTP API routes and S3 triggers that serverless.yml declares. */
export async function readServerlessApp(root: string, file = 'serverless.yml'): Promise<ServerlessApp> {
  const doc = parse(await readFile(path.resolve(root, file), 'utf8')) as Yaml;
  const functions = new Map<string, FunctionSpec>();
  const routes: HttpRoute[] = [];
  const s3Triggers: S3Trigger[] = [];
  const defaultTimeout = Number(doc['provider']?.['timeout'] ?? 6);
  const defaultMemory = Number(doc['provider']?.['memorySize'] ?? 1024);
  for (const [name, fn] of Object.entries<Yaml>(doc['functions'] ?? {})) {
    const handler = String(fn['handler']);
    const dot = handler.lastIndexOf('.');
    const base = path.join(root, handler.slice(0, dot));
    const source = ['.ts', '.mts', '.js', '.mjs'].map((ext) => base + ext).find((candidate) => existsSync(candidate));
    if (!source) throw new Error(`serverless.yml: the handler file of ${name} (${handler}) does not exist`);
    functions.set(name, { name, file: source, exportName: handler.slice(dot + 1), timeoutSeconds: Number(fn['timeout'] ?? defaultTimeout), memoryMB: Number(fn['memorySize'] ?? defaultMemory) });
    for (const event of fn['events'] ?? []) {
      if (event['httpApi']) {
        const { method, path: routePath, authorizer } = event['httpApi'] as Yaml;
        routes.push({ functionName: name, method: String(method).toUpperCase(), path: routePath, authorizer: authorizer?.name ?? authorizer, ...compilePath(routePath) });
      }
      if (event['s3']) {
        const s3 = event['s3'] as Yaml;
        const rules: Yaml[] = s3['rules'] ?? [];
        s3Triggers.push({
          functionName: name,
          prefix: rules.find((rule) => rule['prefix'])?.['prefix'] ?? '',
          suffix: rules.find((rule) => rule['suffix'])?.['suffix'] ?? '',
          events: [].concat(s3['event'] ?? 's3:ObjectCreated:*'),
        });
      }
    }
  }
  return { functions, routes, s3Triggers };
}

function compilePath(routePath: string): { pattern: RegExp; params: string[] } {
  const params: string[] = [];
  const source = routePath
    .split('/')
    .map((segment) => {
      const param = /^\{([A-Za-z0-9_]+)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(param[1]!);
      return '([^/]+)';
    })
    .join('/');
  return { pattern: new RegExp(`^${source}$`), params };
}

/** Loads a handler the way the Lambda runtime would: import the module, take the named export. */
export async function loadHandler(spec: FunctionSpec): Promise<(event: unknown, context: unknown) => Promise<unknown>> {
  const module = (await import(pathToFileURL(spec.file).href)) as Record<string, unknown>;
  const handler = module[spec.exportName];
  if (typeof handler !== 'function') throw new Error(`${spec.file} does not export a function named ${spec.exportName}`);
  return handler as (event: unknown, context: unknown) => Promise<unknown>;
}

/** Invokes a function of the app by name, like the Lambda service: the handler and a fresh context. */
export type Invoke = (functionName: string, event: unknown) => Promise<unknown>;

/** Loads each handler once, on its first invocation (a cold start), then reuses it. */
export function createInvoker(app: ServerlessApp): Invoke {
  const handlers = new Map<string, ReturnType<typeof loadHandler>>();
  return async (functionName, event) => {
    const spec = app.functions.get(functionName);
    if (!spec) throw new Error(`serverless.yml declares no function ${functionName}`);
    if (!handlers.has(functionName)) handlers.set(functionName, loadHandler(spec));
    const handler = await handlers.get(functionName)!;
    return handler(event, lambdaContext(functionName, spec.timeoutSeconds, spec.memoryMB));
  };
}
