// Single message transforms and predicates, with Kafka's names and config keys.

export { cast } from './cast.js';
export { dropHeaders } from './drop-headers.js';
export { extractField } from './extract-field.js';
export { filter } from './filter.js';
export { flatten } from './flatten.js';
export { headerFrom } from './header-from.js';
export { hoistField } from './hoist-field.js';
export { insertField } from './insert-field.js';
export { insertHeader } from './insert-header.js';
export { maskField } from './mask-field.js';
export { hasHeaderKey } from './predicates/has-header-key.js';
export { recordIsTombstone } from './predicates/record-is-tombstone.js';
export { topicNameMatches } from './predicates/topic-name-matches.js';
export { regexRouter } from './regex-router.js';
export { predicates, transforms } from './registry.js';
export { replaceField } from './replace-field.js';
export { timestampConverter } from './timestamp-converter.js';
export { timestampRouter } from './timestamp-router.js';
export type { TransformStep } from './transform-chain.js';
export { TransformChain } from './transform-chain.js';
export type {
  Predicate,
  PredicateDefinition,
  Side,
  Transformation,
  TransformDefinition,
} from './transformation.js';
export { definePredicate, defineTransform } from './transformation.js';
export { valueToKey } from './value-to-key.js';
