import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { ConfigError } from '../errors.js';

/** One problem found in a config: where it is (`path`), what is wrong, and the nearest valid key when one is close. */
export interface ConfigIssue {
  path: string;
  message: string;
  suggestion?: string;
}

/**
 * The nearest of `candidates` to `name`, when it is close enough to be a likely typo (within a third of the
 * name's length); otherwise undefined.
 */
export function suggest(name: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(name, candidates as string[]);
  return distance(name, best) <= Math.max(2, Math.ceil(name.length / 3)) ? best : undefined;
}

/** Keys an object schema accepts, for suggestions. */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = schema;
  for (const part of path) {
    current = unwrap(current);
    if (current instanceof z.ZodObject) current = current.shape[part as string] as z.ZodType | undefined;
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else return [];
    if (!current) return [];
  }
  current = unwrap(current);
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) {
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodPipe) {
      s = s.in as z.ZodType;
    } else {
      return s;
    }
  }
}

/** Every issue in `input` against `schema`, with unknown keys paired with their nearest valid name. */
export function configIssues(schema: z.ZodType, input: unknown): ConfigIssue[] {
  const result = schema.safeParse(input);
  if (result.success) return [];
  const issues: ConfigIssue[] = [];
  for (const issue of unionBranches(result.error.issues)) {
    if (issue.code === 'unrecognized_keys') {
      const valid = knownKeys(schema, issue.path);
      for (const key of issue.keys) {
        const path = [...issue.path, key].join('.');
        const suggestion = suggest(key, valid);
        issues.push({
          path,
          message: `unknown key "${key}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
          ...(suggestion ? { suggestion } : {}),
        });
      }
    } else if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
      const key = String(issue.path[issue.path.length - 1] ?? '');
      issues.push({
        path: issue.path.join('.'),
        message: `missing required key "${key}" (${issue.expected})`,
      });
    } else {
      issues.push({ path: issue.path.join('.'), message: issue.message });
    }
  }
  return issues;
}

/**
 * The issues with each failed union replaced by those of the branch the input was meant for: the one whose type it
 * has (a list where a list or a mapping may go), rather than zod's "Invalid input". Paths are made absolute.
 */
function unionBranches(issues: readonly z.core.$ZodIssue[], base: PropertyKey[] = []): z.core.$ZodIssue[] {
  const out: z.core.$ZodIssue[] = [];
  for (const raw of issues) {
    const issue = { ...raw, path: [...base, ...raw.path] } as z.core.$ZodIssue;
    if (issue.code !== 'invalid_union' || !('errors' in issue) || issue.errors.length === 0) {
      out.push(issue);
      continue;
    }
    const fits = issue.errors.filter(
      (branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0),
    );
    if (fits.length !== 1) out.push(issue);
    else out.push(...unionBranches(fits[0]!, issue.path));
  }
  return out;
}

/**
 * Validates `input` against `schema` (which supplies defaults) and returns the typed config, or throws one
 * {@link ConfigError} that lists every problem, each prefixed with `where` (a file, a connector name).
 */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, where: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = configIssues(schema, input);
  const first = issues[0];
  const lines = issues.map((i) => `${i.path ? `${i.path}: ` : ''}${i.message}`);
  throw new ConfigError(`${where}: ${lines.join('; ')}`, { key: first?.path, suggestion: first?.suggestion });
}
