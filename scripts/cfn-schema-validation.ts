// Checks packaged CloudFormation templates against the resource schemas AWS publishes, as the
// CDK's schema database (@aws-cdk/aws-service-spec) holds them: every resource type exists,
// every property is known and of its type, required properties are there, and every Ref,
// Fn::GetAtt, Fn::Sub variable, DependsOn and Fn::ImportValue points at something that exists.
//
// The properties are checked by ajv against JSON Schemas made from the database's types, so the
// rules are AWS's and the engine is ajv; only the references between resources and stacks, which
// no resource schema describes, are walked here. cfn-lint (PyPI) cannot be installed on our
// machines (npm only), and the npm package of that name is a 2019 fork with a 2019 spec.
//
// Scalars follow CloudFormation (and cfn-lint's default, non-strict mode): it converts template
// scalars, so "256" is a valid integer and 300 a valid string; an object or a list where a
// scalar belongs is not.
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import type { PropertyType, Resource as SpecResource, SpecDatabase, TypeDefinition } from '@aws-cdk/service-spec-types';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

type JsonSchema = Record<string, unknown>;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface Template {
  Resources: Record<string, { Type: string; Properties?: JsonObject; [attribute: string]: Json | undefined }>;
  Parameters?: Record<string, Json>;
  Conditions?: Record<string, Json>;
  Outputs?: Record<string, { Value: Json; Export?: { Name: Json } }>;
  [section: string]: Json | undefined | object;
}

const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);
const SECTIONS = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
]);
// `Version` is a legacy attribute CloudFormation still accepts on custom resources; osls writes it.
const RESOURCE_ATTRIBUTES = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Metadata',
  'CreationPolicy',
  'UpdatePolicy',
]);
const DELETION_POLICIES = new Set(['Delete', 'Retain', 'RetainExceptOnDelete', 'Snapshot']);
const CUSTOM_RESOURCE = 'AWS::CloudFormation::CustomResource';

const string: JsonSchema = { type: 'string' };
const anything: JsonSchema = {};
const pair = (first: JsonSchema, second: JsonSchema): JsonSchema => ({ type: 'array', items: [first, second], minItems: 2, maxItems: 2 });
const orIntrinsic = (schema: JsonSchema): JsonSchema => ({ anyOf: [{ $ref: '#/definitions/intrinsic' }, schema] });

/**
 * The intrinsic functions a property value may be, with the shape of their arguments (AWS's
 * "Intrinsic function reference"). What they return is only known at deploy time, so a property
 * holding one passes the type check; `referenceProblems` checks what they point at.
 */
const INTRINSIC: JsonSchema = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: {
    Ref: string,
    'Fn::GetAtt': { anyOf: [pair(string, orIntrinsic(string)), { type: 'string', pattern: '^[^.]+\\..+$' }] },
    'Fn::Join': pair(string, orIntrinsic({ type: 'array' })),
    'Fn::Sub': { anyOf: [string, pair(string, { type: 'object' })] },
    'Fn::Split': pair(string, orIntrinsic(string)),
    'Fn::Select': pair(orIntrinsic({ type: ['integer', 'string'] }), orIntrinsic({ type: 'array' })),
    'Fn::ImportValue': orIntrinsic(string),
    'Fn::Base64': orIntrinsic(string),
    'Fn::GetAZs': orIntrinsic(string),
    'Fn::FindInMap': { type: 'array', minItems: 3, maxItems: 4 },
    'Fn::If': { type: 'array', minItems: 3, maxItems: 3, items: [string, anything, anything] },
    'Fn::Cidr': { type: 'array', minItems: 3, maxItems: 3 },
    'Fn::Length': anything,
    'Fn::ToJsonString': anything,
  },
};

/** Every schema object of INTRINSIC: ajv's errors name the schema they come from (`verbose`). */
const INTRINSIC_SCHEMAS = new Set<object>();
(function collect(schema: unknown) {
  if (!schema || typeof schema !== 'object' || INTRINSIC_SCHEMAS.has(schema)) return;
  INTRINSIC_SCHEMAS.add(schema);
  for (const child of Object.values(schema)) collect(child);
})(INTRINSIC);

/** The problems of one template, each as `path: what`; none means valid. */
export class TemplateSchemaValidator {
  private readonly ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
  private readonly validators = new Map<string, ValidateFunction>();

  private constructor(private readonly db: SpecDatabase) {}

  static async load(): Promise<TemplateSchemaValidator> {
    return new TemplateSchemaValidator(await loadAwsServiceSpec());
  }

  /** `otherStacks`: the templates whose exports this one may import (checked by name). */
  validate(template: Template, otherStacks: Template[] = []): string[] {
    const problems: string[] = [];
    for (const section of Object.keys(template)) if (!SECTIONS.has(section)) problems.push(`${section}: not a template section`);
    for (const [id, resource] of Object.entries(template.Resources ?? {})) {
      const spec = this.resourceSpec(resource.Type);
      if (!spec) {
        problems.push(`Resources.${id}.Type: ${resource.Type} is not a CloudFormation resource type`);
        continue;
      }
      problems.push(...this.attributeProblems(id, resource));
      const validate = this.validatorFor(spec, resource.Type);
      if (!validate(resource.Properties ?? {}))
        problems.push(...describe(`Resources.${id}.Properties`, validate.errors ?? [], resource.Properties ?? {}));
    }
    problems.push(...this.referenceProblems(template, otherStacks));
    return problems;
  }

  private resourceSpec(type: string): SpecResource | undefined {
    // Any `Custom::Name` is a custom resource; its properties beyond ServiceToken are free.
    const lookup = type.startsWith('Custom::') ? CUSTOM_RESOURCE : type;
    return this.db.lookup('resource', 'cloudFormationType', 'equals', lookup)[0];
  }

  private attributeProblems(id: string, resource: Template['Resources'][string]): string[] {
    const problems: string[] = [];
    const custom = resource.Type.startsWith('Custom::') || resource.Type === CUSTOM_RESOURCE;
    for (const key of Object.keys(resource)) {
      if (!RESOURCE_ATTRIBUTES.has(key) && !(custom && key === 'Version'))
        problems.push(`Resources.${id}.${key}: not a resource attribute`);
    }
    for (const key of ['DeletionPolicy', 'UpdateReplacePolicy']) {
      const value = resource[key];
      if (value !== undefined && !(typeof value === 'string' && DELETION_POLICIES.has(value)))
        problems.push(`Resources.${id}.${key}: ${JSON.stringify(value)} is not a policy`);
    }
    return problems;
  }

  private validatorFor(spec: SpecResource, type: string): ValidateFunction {
    const key = type.startsWith('Custom::') ? CUSTOM_RESOURCE : type;
    let validate = this.validators.get(key);
    if (!validate) {
      const definitions: Record<string, JsonSchema> = { intrinsic: INTRINSIC };
      const root = this.objectSchema(spec.properties, definitions, key === CUSTOM_RESOURCE);
      validate = this.ajv.compile({ definitions, ...root });
      this.validators.set(key, validate);
    }
    return validate;
  }

  private objectSchema(properties: SpecResource['properties'], definitions: Record<string, JsonSchema>, open = false): JsonSchema {
    return {
      type: 'object',
      properties: Object.fromEntries(
        Object.entries(properties).map(([name, property]) => [name, this.typeSchema(property.type, definitions)]),
      ),
      required: Object.entries(properties)
        .filter(([, property]) => property.required)
        .map(([name]) => name),
      additionalProperties: open,
    };
  }

  private typeSchema(type: PropertyType, definitions: Record<string, JsonSchema>): JsonSchema {
    switch (type.type) {
      // One schema per scalar type (`pattern` only applies to strings), so a wrong value is one error.
      case 'string':
        return orIntrinsic(type.allowedValues ? { enum: type.allowedValues } : { type: ['string', 'number', 'boolean'] });
      case 'date-time':
        return orIntrinsic(string);
      case 'integer':
        return orIntrinsic({ type: ['integer', 'string'], pattern: '^-?[0-9]+$' });
      case 'number':
        return orIntrinsic({ type: ['number', 'string'], pattern: '^-?[0-9]+(\\.[0-9]+)?$' });
      case 'boolean':
        return orIntrinsic({ enum: [true, false, 'true', 'false'] });
      case 'json':
        return anything;
      case 'null':
        return { type: 'null' };
      case 'tag':
        return orIntrinsic({
          type: 'object',
          properties: { Key: orIntrinsic(string), Value: orIntrinsic(string) },
          required: ['Key', 'Value'],
          additionalProperties: false,
        });
      case 'array':
        return orIntrinsic({ type: 'array', items: this.typeSchema(type.element, definitions) });
      case 'map':
        return orIntrinsic({ type: 'object', additionalProperties: this.typeSchema(type.element, definitions) });
      case 'union':
        return { anyOf: type.types.map((member) => this.typeSchema(member, definitions)) };
      case 'ref': {
        const id = `t${type.reference.$ref}`;
        if (!definitions[id]) {
          definitions[id] = {}; // placeholder first: type definitions can be recursive
          const definition = this.db.get('typeDefinition', type.reference.$ref) as TypeDefinition;
          definitions[id] = orIntrinsic(this.objectSchema(definition.properties, definitions));
        }
        return { $ref: `#/definitions/${id}` };
      }
      default:
        throw new Error(`unknown property type ${JSON.stringify(type)}`);
    }
  }

  /** Ref, Fn::GetAtt, Fn::Sub variables, DependsOn, Condition and Fn::ImportValue targets. */
  private referenceProblems(template: Template, otherStacks: Template[]): string[] {
    const problems: string[] = [];
    const resources = template.Resources ?? {};
    const parameters = new Set(Object.keys(template.Parameters ?? {}));
    const conditions = new Set(Object.keys(template.Conditions ?? {}));
    const exports = new Set(otherStacks.flatMap((other) => Object.values(other.Outputs ?? {}).map((output) => output.Export?.Name)));

    const checkRef = (where: string, name: string) => {
      if (!(name in resources) && !parameters.has(name) && !PSEUDO_PARAMETERS.has(name))
        problems.push(`${where}: Ref ${name} is no resource, parameter or pseudo parameter`);
    };
    const checkGetAtt = (where: string, id: string, attribute: Json) => {
      const resource = resources[id];
      if (!resource) return problems.push(`${where}: Fn::GetAtt of ${id}, which is no resource`);
      const spec = this.resourceSpec(resource.Type);
      // A custom resource's attributes are whatever its function answers.
      if (!spec || spec.cloudFormationType === CUSTOM_RESOURCE || typeof attribute !== 'string') return;
      if (!(attribute in spec.attributes)) problems.push(`${where}: ${resource.Type} ${id} has no attribute ${attribute}`);
    };
    const walk = (value: Json | undefined, where: string): void => {
      if (Array.isArray(value)) {
        for (const [index, item] of value.entries()) walk(item, `${where}[${index}]`);
        return;
      }
      if (!value || typeof value !== 'object') return;
      for (const [key, argument] of Object.entries(value)) {
        const here = `${where}.${key}`;
        if (key === 'Ref' && typeof argument === 'string') checkRef(where, argument);
        else if (key === 'Fn::GetAtt') {
          const [id, attribute] = typeof argument === 'string' ? argument.split(/\.(.*)/s) : Array.isArray(argument) ? argument : [];
          if (typeof id === 'string') checkGetAtt(where, id, attribute ?? null);
        } else if (key === 'Fn::Sub') {
          const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
          const own = new Set(variables && typeof variables === 'object' ? Object.keys(variables) : []);
          // `${!Literal}` is an escaped, literal `${Literal}`.
          for (const [, name] of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
            if (own.has(name!)) continue;
            const [id, attribute] = name!.split(/\.(.*)/s);
            if (attribute !== undefined && !PSEUDO_PARAMETERS.has(name!)) checkGetAtt(where, id!, attribute);
            else checkRef(where, name!);
          }
        } else if (key === 'Fn::ImportValue') {
          if (typeof argument !== 'string')
            problems.push(`${where}: Fn::ImportValue of a computed name cannot be checked offline: ${JSON.stringify(argument)}`);
          else if (!exports.has(argument)) problems.push(`${where}: Fn::ImportValue ${argument} is exported by no other stack`);
        } else if (key === 'Fn::If') {
          const name = Array.isArray(argument) ? argument[0] : undefined;
          if (typeof name !== 'string' || !conditions.has(name))
            problems.push(`${where}: Fn::If condition ${JSON.stringify(name)} is not defined`);
        }
        walk(argument, here);
      }
    };

    for (const [id, resource] of Object.entries(resources)) {
      for (const dependency of [resource.DependsOn ?? []].flat()) {
        if (typeof dependency !== 'string' || !(dependency in resources))
          problems.push(`Resources.${id}.DependsOn: ${JSON.stringify(dependency)} is no resource`);
      }
      if (resource.Condition !== undefined && !conditions.has(String(resource.Condition)))
        problems.push(`Resources.${id}.Condition: ${String(resource.Condition)} is not defined`);
      walk(resource.Properties, `Resources.${id}.Properties`);
    }
    const names = new Map<Json | undefined, string>();
    for (const [id, output] of Object.entries(template.Outputs ?? {})) {
      walk(output.Value, `Outputs.${id}.Value`);
      const name = output.Export?.Name;
      if (name === undefined) continue;
      if (names.has(name)) problems.push(`Outputs.${id}.Export.Name: ${JSON.stringify(name)} is also exported by ${names.get(name)}`);
      names.set(name, id);
    }
    return problems;
  }
}

/**
 * Ajv's errors as `path: message`. A failed anyOf between "an intrinsic function" and "the
 * property's own type" reports both sides; only the side the value was meant as is kept
 * (an object with one `Ref`/`Fn::` key is meant as an intrinsic), so a misspelt property reads as
 * one line naming it.
 */
function describe(base: string, errors: ErrorObject[], data: unknown): string[] {
  const lines = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'anyOf') continue;
    const value = at(data, error.instancePath);
    if (INTRINSIC_SCHEMAS.has(error.parentSchema as object) !== withinIntrinsic(data, error.instancePath)) continue;
    const where = base + error.instancePath.replace(/\/([^/]*)/g, (_, part: string) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`));
    if (error.keyword === 'additionalProperties') lines.add(`${where}: unknown property ${String(error.params['additionalProperty'])}`);
    else if (error.keyword === 'required') lines.add(`${where}: missing required property ${String(error.params['missingProperty'])}`);
    else
      lines.add(
        `${where}: ${JSON.stringify(value)} ${error.message ?? error.keyword}${error.keyword === 'enum' ? ` (${[...new Set((error.params['allowedValues'] as unknown[]).map(String))].join(', ')})` : ''}`,
      );
  }
  return [...lines];
}

function isIntrinsic(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'));
}

/** Whether the value at `pointer`, or one that holds it, is an intrinsic function. */
function withinIntrinsic(data: unknown, pointer: string): boolean {
  const parts = pointer.split('/').slice(1);
  for (let length = parts.length; length >= 0; length--) {
    if (
      isIntrinsic(
        at(
          data,
          parts
            .slice(0, length)
            .map((part) => `/${part}`)
            .join(''),
        ),
      )
    )
      return true;
  }
  return false;
}

function at(data: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), data);
}
