export type { WindowedOptions } from './windowed-options.js';
export type { SessionWindows, SlidingWindows, TimeWindows, Windows } from './windows.js';

export { hoppingWindows, sessionWindows, slidingWindows, tumblingWindows, windowsFor } from './windows.js';
