import * as z from 'zod/mini';
import { ValidationError } from '#lib/errors';

/** Parses `input` with `schema`, or throws a ValidationError naming the first bad field. */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, input: unknown, root = 'body'): z.output<S> {
  const result = z.safeParse(schema, input, { reportInput: true }); // zod 4 drops issue.input otherwise
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const [key] = issue.keys;
    return fail(key ?? root, 'is not an allowed field');
  }
  const field = issue.path.length > 0 ? issue.path.join('.') : root;
  const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
  return fail(field, message);
}

function fail(field: string, message: string): never {
  throw new ValidationError(field, `${field} ${message}`);
}
