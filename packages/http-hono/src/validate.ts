import { ValidationError } from '@wabot/core';
import type { z } from 'zod';

type Issue = z.core.$ZodIssue & { input?: unknown };

/**
 * Parses `value` with `schema`, or throws a `ValidationError` whose message names each offending
 * field: `"chatId: is required; btndata.buttons: must have at least 1 button"`.
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issues = result.error.issues as Issue[];
  const message = issues
    .slice(0, 5)
    .map((issue) => `${fieldName(issue.path, where)}: ${describe(issue)}`)
    .join('; ');
  throw new ValidationError(message);
}

function fieldName(path: PropertyKey[], where: string): string {
  if (path.length === 0) return where;
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${String(part)}`))
    .join('');
}

function describe(issue: Issue): string {
  // JSON has no undefined, so an undefined input is a missing field; zod's own wording for it
  // ("expected string, received undefined") reads badly to API users.
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.join(', ')}`;
  return issue.message;
}
