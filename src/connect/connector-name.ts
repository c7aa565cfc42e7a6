import { ConfigError } from '../errors.js';

/**
 * Refuses connector names the REST API could not address: empty ones, ones with control characters (as Kafka
 * Connect does), and ones that URL normalisation changes (`.` and `..` vanish from `/connectors/<name>`), which
 * would make a connector impossible to read, reconfigure or delete once created.
 */
export function validateConnectorName(name: string): void {
  const refuse = (why: string) =>
    new ConfigError(`connector name ${JSON.stringify(name)} ${why}`, { key: 'name' });
  if (name.trim() === '') throw refuse('is empty');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) throw refuse('contains control characters');
  const encoded = `/connectors/${encodeURIComponent(name)}`;
  if (new URL(encoded, 'http://localhost').pathname !== encoded) {
    throw refuse('changes when used in a URL path (such as "." or ".."); choose another name');
  }
}
