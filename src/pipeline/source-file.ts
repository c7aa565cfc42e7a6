import { readFile } from 'node:fs/promises';
import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from 'yaml';
import type { Diagnostic } from './diagnostic.js';
import { interpolate } from './interpolate.js';

/**
 * A pipeline file parsed with positions kept: the plain value to validate, and a way back from any path in it to
 * the line and column it came from.
 */
export class SourceFile {
  readonly diagnostics: Diagnostic[] = [];
  readonly value: unknown;

  private constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
    env: Record<string, string | undefined>,
  ) {
    for (const error of doc.errors) {
      const [line, column] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [1, 1];
      this.diagnostics.push({ file, line, column, path: '', message: error.message.split('\n')[0] });
    }
    this.interpolateScalars(env);
    this.value = doc.errors.length === 0 ? doc.toJS({ maxAliasCount: 100 }) : undefined;
  }

  static parse(
    file: string,
    text: string,
    env: Record<string, string | undefined> = process.env,
  ): SourceFile {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: false, prettyErrors: true });
    return new SourceFile(file, doc, lines, env);
  }

  static async read(
    file: string,
    env: Record<string, string | undefined> = process.env,
  ): Promise<SourceFile> {
    return SourceFile.parse(file, await readFile(file, 'utf8'), env);
  }

  /** A diagnostic at `path`: on the key when `onKey` (an unknown key), else on the value; the nearest parent if absent. */
  at(
    path: readonly (string | number)[],
    message: string,
    options: { onKey?: boolean; suggestion?: string } = {},
  ): Diagnostic {
    const offset = this.offsetOf(path, options.onKey ?? false);
    const { line, col } = this.lines.linePos(offset);
    return {
      file: this.file,
      line,
      column: col,
      path: path.join('.'),
      message,
      ...(options.suggestion ? { suggestion: options.suggestion } : {}),
    };
  }

  private offsetOf(path: readonly (string | number)[], onKey: boolean): number {
    let node: unknown = this.doc.contents;
    let best = (node as Node | null)?.range?.[0] ?? 0;
    for (let i = 0; i < path.length; i++) {
      const part = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
        if (!pair) return best;
        if (last && onKey && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
        node = pair.value;
        const range = (pair.value as Node | null)?.range ?? (isScalar(pair.key) ? pair.key.range : undefined);
        if (range) best = range[0];
      } else if (isSeq(node)) {
        node = node.items[Number(part)];
        if (node === undefined) return best;
        const range = (node as Node).range;
        if (range) best = range[0];
      } else {
        return best;
      }
    }
    return best;
  }

  private interpolateScalars(env: Record<string, string | undefined>): void {
    visit(this.doc, {
      Scalar: (_key, node, path) => {
        if (typeof node.value !== 'string' || !node.value.includes('${')) return;
        // Keys are names, not settings: only values are interpolated.
        const parent = path[path.length - 1];
        if (isPair(parent) && parent.key === node) return;
        try {
          node.value = interpolate(node.value, env);
        } catch (err) {
          const { line, col } = this.lines.linePos(node.range?.[0] ?? 0);
          this.diagnostics.push({
            file: this.file,
            line,
            column: col,
            path: '',
            message: (err as Error).message,
          });
        }
      },
    });
  }
}
