/**
 * Errors as JSONata 1.8 throws them: plain objects with a `code` (`T2001`), the character `position` of the token,
 * the `token`, the offending `value`, and a `message` filled in from the code's template once evaluation has
 * ended (so that a position or token set on the way out is in the message, as in JSONata).
 */
export interface JsonataError {
  code: string;
  message?: string;
  position?: number;
  token?: string;
  value?: unknown;
  value2?: unknown;
  index?: number;
  type?: string;
  stack?: string;
}

/** The templates of the codes compiled expressions can raise, word for word from jsonata 1.8. */
const templates: Record<string, string> = {
  T0410: 'Argument {{index}} of function {{token}} does not match function signature',
  T0411: 'Context value is not a compatible type with argument {{index}} of function {{token}}',
  T0412: 'Argument {{index}} of function {{token}} must be an array of {{type}}',
  D1001: 'Number out of range: {{value}}',
  D1002: 'Cannot negate a non-numeric value: {{value}}',
  T1003: 'Key in object structure must evaluate to a string; got: {{value}}',
  D1009: 'Multiple key definitions evaluate to same key: {{value}}',
  T2001: 'The left side of the {{token}} operator must evaluate to a number',
  T2002: 'The right side of the {{token}} operator must evaluate to a number',
  T2009:
    'The values {{value}} and {{value2}} either side of operator {{token}} must be of the same data type',
  T2010: 'The expressions either side of operator {{token}} must evaluate to numeric or string values',
  D3001: 'Attempting to invoke string function on Infinity or NaN',
  D3030: 'Unable to cast value to a number: {{value}}',
  D3110: 'The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given {{value}}',
};

export function fail(code: string, fields: Omit<JsonataError, 'code'> = {}): JsonataError {
  return { code, stack: new Error().stack, ...fields };
}

/** JSONata's `populateMessage`: `{{{x}}}` inserts the field as it is, `{{x}}` as JSON. */
export function populateMessage(err: JsonataError): void {
  const template = templates[err.code];
  if (template === undefined) return;
  const fields = err as unknown as Record<string, unknown>;
  err.message = template
    .replace(/\{\{\{([^}]+)}}}/g, (_m, name: string) => String(fields[name]))
    .replace(/\{\{([^}]+)}}/g, (_m, name: string) => JSON.stringify(fields[name]) as string);
}

export function isJsonataError(err: unknown): err is JsonataError {
  return (
    err !== null &&
    typeof err === 'object' &&
    typeof (err as { code?: unknown }).code === 'string' &&
    /^[DST]\d{4}$/.test((err as { code: string }).code)
  );
}
