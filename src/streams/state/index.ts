export type { KeyValue, KeyValueStoreOptions, ReadOnlyKeyValueStore } from './key-value-store.js';
export { KeyValueStore } from './key-value-store.js';
export { SessionStore } from './session-store.js';
export type { ChangelogRecord, StateStore } from './state-store.js';
export { StoreGroup } from './state-store.js';
export type { ReadOnlyWindowStore, WindowEntry, WindowStoreOptions } from './window-store.js';
export { WindowStore } from './window-store.js';
