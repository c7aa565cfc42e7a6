export type { TestDriverOptions } from './test-driver.js';
export { TopologyTestDriver } from './test-driver.js';
export type { PipeOptions } from './test-input-topic.js';
export { TestInputTopic } from './test-input-topic.js';
export type { TestRecord } from './test-output-topic.js';
export { TestOutputTopic } from './test-output-topic.js';
