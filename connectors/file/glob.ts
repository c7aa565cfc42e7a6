import { readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Minimal globs for the file source: `*` and `?` within one path segment, `**` for any number of directories,
 * `{a,b}` alternatives. A pattern without any of these is a plain path.
 */
export function isGlob(pattern: string): boolean {
  return /[*?{]/.test(pattern);
}

/** The longest leading directory of `pattern` without glob characters: where to list and watch. */
export function globBase(pattern: string): string {
  const parts = path.resolve(pattern).split(path.sep);
  const fixed: string[] = [];
  for (const part of parts) {
    if (isGlob(part)) break;
    fixed.push(part);
  }
  return fixed.join(path.sep) || path.sep;
}

export function globToRegExp(pattern: string): RegExp {
  const abs = path.resolve(pattern);
  let re = '';
  for (let i = 0; i < abs.length; i++) {
    const ch = abs[i]!;
    if (ch === '*' && abs[i + 1] === '*') {
      // `**/` matches zero or more whole directories.
      re += abs[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += abs[i + 2] === '/' ? 2 : 1;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '{') re += '(?:';
    else if (ch === '}') re += ')';
    else if (ch === ',' && re.lastIndexOf('(?:') > re.lastIndexOf(')')) re += '|';
    else re += ch.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Every regular file matching `pattern`, sorted. */
export async function expandGlob(pattern: string): Promise<string[]> {
  if (!isGlob(pattern)) return [path.resolve(pattern)];
  const regex = globToRegExp(pattern);
  const entries = await readdir(globBase(pattern), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .filter((p) => regex.test(p))
    .sort();
}
