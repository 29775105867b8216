import * as z from 'zod/mini';
import { eventIdSchema, inviteIdSchema, memberIdSchema, photoIdSchema } from '#lib/schemas';
import { exportIdSchema } from '#lib/exports';
import * as responses from '#lib/api-responses';
import { apiRoutes, type RouteSpec } from '#lib/api-routes';

/** An HTTP route as serverless.yml declares it. */
export interface DeclaredRoute {
  method: string;
  path: string;
  /** The function's name in serverless.yml: the operationId. */
  functionName: string;
  /** Whether the route has an authorizer (all of ours have the Cognito JWT one). */
  authorized: boolean;
}

type JsonSchema = Record<string, unknown>;

const pathParameters: Record<string, z.core.$ZodType> = {
  eventId: eventIdSchema,
  photoId: photoIdSchema,
  inviteId: inviteIdSchema,
  memberId: memberIdSchema,
  exportId: exportIdSchema,
};

/** A JSON Schema of `schema`; requests as clients send them (before defaults and transforms). */
function jsonSchema(schema: z.core.$ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) as JsonSchema; // the document's dialect
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string, description: string) => ({ description, content: { 'application/json': { schema: ref(name) } } });

/** The OpenAPI 3.1 document of `routes` (those of serverless.yml), from the handlers' own zod schemas. */
export function openApiDocument(routes: DeclaredRoute[], { maxUploadBytes }: { maxUploadBytes: number }) {
  const specs = apiRoutes({ maxUploadBytes });
  const declared = new Set(routes.map((route) => `${route.method} ${route.path}`));
  const missing = [...declared].filter((key) => !(key in specs));
  const stale = Object.keys(specs).filter((key) => !declared.has(key));
  if (missing.length || stale.length) {
    throw new Error(
      `api-routes.ts and serverless.yml differ: not described ${JSON.stringify(missing)}, not declared ${JSON.stringify(stale)}`,
    );
  }

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const spec = specs[`${route.method} ${route.path}`]!;
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, spec);
  }
  const schemas = Object.fromEntries(
    Object.entries(responses).map(([name, schema]) => [componentName(name), jsonSchema(schema, 'output')]),
  );
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Event photos API',
      version: '1.0.0',
      description: 'Generated from the zod schemas the handlers validate with (`npm run openapi`).',
    },
    components: {
      schemas,
      securitySchemes: {
        cognito: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Cognito ID or access token of the app client' },
      },
    },
    paths,
  };
}

function operation(route: DeclaredRoute, spec: RouteSpec) {
  const names = [...route.path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1]!);
  const parameters = [
    ...names.map((name) => ({ name, in: 'path', required: true, schema: jsonSchema(pathParameter(name), 'input') })),
    ...Object.entries(spec.query?.shape ?? {}).map(([name, schema]) => ({ name, in: 'query', schema: jsonSchema(schema, 'input') })),
  ];
  const { status, schema, description } = spec.success;
  const errors: Record<string, unknown> = {
    400: json('Error', spec.errors[400] ?? 'A path or query parameter is invalid (`field` names it)'),
    ...Object.fromEntries(Object.entries(spec.errors).map(([code, text]) => [code, json('Error', text)])),
  };
  if (route.authorized) errors[401] = json('GatewayError', 'Missing, invalid or expired token (answered by the gateway)');
  return {
    operationId: route.functionName,
    summary: spec.summary,
    ...(route.authorized ? { security: [{ cognito: [] }] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } } } : {}),
    responses: {
      [status]: schema ? json(componentName(schema), description) : { description },
      ...(spec.alternative
        ? { [spec.alternative.status]: json(componentName(spec.alternative.schema), spec.alternative.description) }
        : {}),
      ...errors,
    },
  };
}

function pathParameter(name: string): z.core.$ZodType {
  const schema = pathParameters[name];
  if (!schema) throw new Error(`No schema for path parameter {${name}}`);
  return schema;
}

/** `photoViewSchema` -> `PhotoView`, `errorResponseSchema` -> `Error`. */
function componentName(exportName: string): string {
  if (exportName === 'errorResponseSchema') return 'Error';
  const name = exportName.replace(/Schema$/, '');
  return name[0]!.toUpperCase() + name.slice(1);
}
