import { existsSync } from 'node:fs';
import path from 'node:path';
import { readServerlessFile, type Yaml } from '#lib/serverless-config';

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
  /** The bucket as the template names it (an intrinsic; evaluate it against the local stand-ins). */
  bucket: unknown;
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
  /** provider.environment merged with the function's own, unevaluated (intrinsics kept). */
  environment: Record<string, unknown>;
}

export interface HttpApiCors {
  allowedOrigins: string[];
  allowedHeaders: string[];
  allowedMethods: string[];
  exposedHeaders: string[];
  allowCredentials: boolean;
  maxAge: number | undefined;
}

export interface JwtAuthorizerSpec {
  /** Unevaluated: the templates import these from the infra stack. */
  issuerUrl: unknown;
  audience: unknown;
}

export interface ServerlessApp {
  functions: Map<string, FunctionSpec>;
  routes: HttpRoute[];
  s3Triggers: S3Trigger[];
  cors: HttpApiCors | undefined;
  authorizers: Map<string, JwtAuthorizerSpec>;
  /** custom.esbuild: how the deploy bundles each function. */
  esbuild: Yaml;
}

/** Reads the functions, HTTP API routes, CORS, authorizers and S3 triggers that serverless.yml declares. */
export async function readServerlessApp(root: string, file = 'serverless.yml'): Promise<ServerlessApp> {
  const doc = await readServerlessFile(root, file);
  const provider: Yaml = doc['provider'] ?? {};
  const functions = new Map<string, FunctionSpec>();
  const routes: HttpRoute[] = [];
  const s3Triggers: S3Trigger[] = [];
  const defaultTimeout = Number(provider['timeout'] ?? 6);
  const defaultMemory = Number(provider['memorySize'] ?? 1024);
  for (const [name, fn] of Object.entries<Yaml>(doc['functions'] ?? {})) {
    const handler = String(fn['handler']);
    const dot = handler.lastIndexOf('.');
    const base = path.join(root, handler.slice(0, dot));
    const source = ['.ts', '.mts', '.js', '.mjs'].map((ext) => base + ext).find((candidate) => existsSync(candidate));
    if (!source) throw new Error(`${file}: the handler file of ${name} (${handler}) does not exist`);
    functions.set(name, {
      name,
      file: source,
      exportName: handler.slice(dot + 1),
      timeoutSeconds: Number(fn['timeout'] ?? defaultTimeout),
      memoryMB: Number(fn['memorySize'] ?? defaultMemory),
      environment: { ...provider['environment'], ...fn['environment'] },
    });
    for (const event of fn['events'] ?? []) {
      if (event['httpApi']) {
        const { method, path: routePath, authorizer } = event['httpApi'] as Yaml;
        routes.push({
          functionName: name,
          method: String(method).toUpperCase(),
          path: routePath,
          authorizer: authorizer?.name ?? authorizer,
          ...compilePath(routePath),
        });
      }
      if (event['s3']) {
        const s3 = event['s3'] as Yaml;
        const rules: Yaml[] = s3['rules'] ?? [];
        s3Triggers.push({
          functionName: name,
          bucket: s3['bucket'],
          prefix: rules.find((rule) => rule['prefix'])?.['prefix'] ?? '',
          suffix: rules.find((rule) => rule['suffix'])?.['suffix'] ?? '',
          events: [].concat(s3['event'] ?? 's3:ObjectCreated:*'),
        });
      }
    }
  }
  const httpApi: Yaml = provider['httpApi'] ?? {};
  const cors: Yaml | undefined = httpApi['cors'] === true ? {} : httpApi['cors'] || undefined;
  const authorizers = new Map<string, JwtAuthorizerSpec>(
    Object.entries<Yaml>(httpApi['authorizers'] ?? {}).map(([key, spec]) => [
      String(spec['name'] ?? key),
      { issuerUrl: spec['issuerUrl'], audience: spec['audience'] },
    ]),
  );
  return {
    functions,
    routes,
    s3Triggers,
    authorizers,
    // serverless-esbuild builds in the service folder: its relative paths are from there.
    esbuild: { absWorkingDir: path.resolve(root), ...doc['custom']?.['esbuild'] },
    // The Framework's defaults (osls http-api.js) for `cors: true` and for any field left out:
    // without allowedMethods, OPTIONS and the methods of the routes.
    cors: cors && {
      allowedOrigins: [].concat(cors['allowedOrigins'] ?? '*'),
      allowedHeaders: [].concat(
        cors['allowedHeaders'] ?? [
          'Content-Type',
          'X-Amz-Date',
          'Authorization',
          'X-Api-Key',
          'X-Amz-Security-Token',
          'X-Amz-User-Agent',
          'X-Amzn-Trace-Id',
        ],
      ),
      allowedMethods: [].concat(cors['allowedMethods'] ?? ['OPTIONS', ...new Set(routes.map((route) => route.method))]),
      exposedHeaders: [].concat(cors['exposedResponseHeaders'] ?? []),
      allowCredentials: Boolean(cors['allowCredentials']),
      maxAge: cors['maxAge'] === undefined ? undefined : Number(cors['maxAge']),
    },
  };
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
