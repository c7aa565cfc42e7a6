// Converters: Connect data to record bytes and back.

export { BytesConverter, bytesConverter } from './bytes-converter.js';
export type { Converter, ConverterDefinition, SchemaAndValue } from './converter.js';
export { JsonConverter, jsonConverter } from './json-converter.js';
export { converters, createConverter, findConverter } from './registry.js';
export { asText, StringConverter, stringConverter } from './string-converter.js';
