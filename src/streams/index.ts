// The Streams DSL: records, serdes, operators, windows, joins, state stores and the test driver.

export type { ProcessingContext, SinkRecord, SourceRecord } from './context.js';
export { currentContext, runInContext } from './context.js';
export type {
  ForeignKeyJoinOptions,
  JoinWindows,
  StreamStreamJoinOptions,
  StreamTableJoinOptions,
  TableTableJoinOptions,
} from './joins/index.js';
export {
  foreignKeyJoin,
  joinWindows,
  streamStreamJoin,
  streamTableJoin,
  tableTableJoin,
} from './joins/index.js';
export type {
  AggregateOptions,
  RepartitionOptions,
  SessionAggregateOptions,
  ToTableOptions,
} from './operators/index.js';
export {
  aggregateByKey,
  branch,
  countByKey,
  filterBy,
  filterNot,
  flatMapValues,
  groupByKey,
  groupRecordsBy,
  mapValues,
  mergeStreams,
  peek,
  reduceByKey,
  repartition,
  repartitionTopic,
  selectKey,
  to,
  toStream,
  toTable,
  windowedAggregate,
  windowedCount,
  windowedReduce,
} from './operators/index.js';
export type { KStream, KTable, StreamRecord, Window, Windowed } from './record.js';
export { derive, withKey, withValue } from './record.js';
export type { Stage, StageHandler, StageOutput } from './record-stream.js';
export { stageOperator } from './record-stream.js';
export type { StreamsOptions, StreamsState } from './runtime/index.js';
export { StreamsApp, streams } from './runtime/index.js';
export type { KeyValueSerdes, Serde } from './serdes.js';
export { Serdes } from './serdes.js';
export type {
  ChangelogRecord,
  KeyValue,
  ReadOnlyKeyValueStore,
  ReadOnlyWindowStore,
  StateStore,
  WindowEntry,
} from './state/index.js';
export { KeyValueStore, SessionStore, StoreGroup, WindowStore } from './state/index.js';
export type { PipeOptions, TestDriverOptions, TestRecord } from './testing/index.js';
export { TestInputTopic, TestOutputTopic, TopologyTestDriver } from './testing/index.js';
export { changelogTopic, lateTopic, Topology } from './topology.js';
export type {
  SessionWindows,
  SlidingWindows,
  TimeWindows,
  WindowedOptions,
  Windows,
} from './windows/index.js';
export { hoppingWindows, sessionWindows, slidingWindows, tumblingWindows } from './windows/index.js';
