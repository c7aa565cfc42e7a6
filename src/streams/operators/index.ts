// Streams operators: each a function returning an RxJS operator over StreamRecords. Where Kafka's name is taken
// by an RxJS operator with another meaning (filter, merge, groupBy, count, reduce), the name says what differs.

export type { AggregateOptions } from './aggregate-by-key.js';
export { aggregateByKey } from './aggregate-by-key.js';
export { branch } from './branch.js';
export { countByKey } from './count-by-key.js';
export { filterBy } from './filter-by.js';
export { filterNot } from './filter-not.js';
export { flatMapValues } from './flat-map-values.js';
export { groupByKey } from './group-by-key.js';
export { groupRecordsBy } from './group-records-by.js';
export { mapValues } from './map-values.js';
export { mergeStreams } from './merge-streams.js';
export { peek } from './peek.js';
export { reduceByKey } from './reduce-by-key.js';
export type { RepartitionOptions } from './repartition.js';
export { repartition, repartitionTopic } from './repartition.js';
export { selectKey } from './select-key.js';
export { to } from './to.js';
export { toStream } from './to-stream.js';
export type { ToTableOptions } from './to-table.js';
export { toTable } from './to-table.js';
export type { SessionAggregateOptions } from './windowed-aggregate.js';
export { windowedAggregate } from './windowed-aggregate.js';
export { windowedCount } from './windowed-count.js';
export { windowedReduce } from './windowed-reduce.js';
