import { ConfigError } from '../errors.js';

/**
 * `${NAME}` and `${NAME:default}` in a string, replaced from the environment. `$${` is a literal `${`. A variable
 * that is unset and has no default is an error naming it, so a missing secret never becomes an empty string.
 */
const PATTERN = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}/g;

export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(PATTERN, (whole, escaped: string, name: string, fallback: string | undefined) => {
    if (escaped) return whole.slice(1);
    const value = env[name];
    if (value !== undefined) return value;
    if (fallback !== undefined) return fallback;
    throw new ConfigError(
      `environment variable ${name} is not set and has no default (write \${${name}:default})`,
      {
        key: name,
      },
    );
  });
}

/** True when the string contains a `${...}` reference (escaped ones excluded). */
export function hasReference(text: string): boolean {
  PATTERN.lastIndex = 0;
  for (const m of text.matchAll(PATTERN)) if (!m[1]) return true;
  return false;
}
