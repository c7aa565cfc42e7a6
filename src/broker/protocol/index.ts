export { ApiKey } from './api-keys.js';
export type { VersionCodec } from './codec.js';
export { codecFor, decodeMessage, encodeMessage, versionRange } from './codec.js';
export type { ErrorName } from './error-codes.js';
export { ERROR_CODES, errorCodeOf, errorName } from './error-codes.js';
export type { RequestHeader } from './header.js';
export { readRequestHeader, skipHeaderTags, writeRequestHeader, writeResponseHeader } from './header.js';
export { APIS } from './messages/index.js';
export { ProtocolError } from './protocol-error.js';
export { Reader } from './reader.js';
export type {
  ApiSpec,
  FieldSpec,
  FieldType,
  InputOf,
  MessageOf,
  MessageSpec,
  PrimitiveType,
  StructOf,
  ValueOf,
} from './schema.js';
export { inVersions, parseVersions } from './schema.js';
export { Writer } from './writer.js';
