/** One problem in a pipeline file, with the position a user's editor can jump to. */
export interface Diagnostic {
  file: string;
  /** 1-based line and column of the offending key or value. */
  line: number;
  column: number;
  /** Dotted path inside the document, e.g. `sources.0.config.input.path`. */
  path: string;
  message: string;
  /** The nearest valid key or value, when one is close. */
  suggestion?: string;
}

/** `file:line:column: path: message` — the form compilers use, so terminals and editors link it. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.path ? `${d.path}: ` : ''}${d.message}`;
}
