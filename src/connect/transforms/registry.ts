import { cast } from './cast.js';
import { dropHeaders } from './drop-headers.js';
import { extractField } from './extract-field.js';
import { filter } from './filter.js';
import { flatten } from './flatten.js';
import { headerFrom } from './header-from.js';
import { hoistField } from './hoist-field.js';
import { insertField } from './insert-field.js';
import { insertHeader } from './insert-header.js';
import { maskField } from './mask-field.js';
import { hasHeaderKey } from './predicates/has-header-key.js';
import { recordIsTombstone } from './predicates/record-is-tombstone.js';
import { topicNameMatches } from './predicates/topic-name-matches.js';
import { regexRouter } from './regex-router.js';
import { replaceField } from './replace-field.js';
import { timestampConverter } from './timestamp-converter.js';
import { timestampRouter } from './timestamp-router.js';
import type { PredicateDefinition, TransformDefinition } from './transformation.js';
import { valueToKey } from './value-to-key.js';

/** Every single message transform sluice ships, under Kafka's names. */
export const transforms: readonly TransformDefinition[] = [
  insertField,
  replaceField,
  maskField,
  cast,
  extractField,
  hoistField,
  valueToKey,
  flatten,
  timestampConverter,
  timestampRouter,
  regexRouter,
  filter,
  insertHeader,
  dropHeaders,
  headerFrom,
] as readonly TransformDefinition[];

export const predicates: readonly PredicateDefinition[] = [
  topicNameMatches,
  hasHeaderKey,
  recordIsTombstone,
] as readonly PredicateDefinition[];
