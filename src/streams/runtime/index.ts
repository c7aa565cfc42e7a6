export type { StreamsState } from './streams-app.js';
export { StreamsApp, streams } from './streams-app.js';
export type { StreamsOptions } from './streams-options.js';
