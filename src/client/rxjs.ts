import { createRequire } from 'node:module';

type RxJs = typeof import('rxjs');

const require = createRequire(import.meta.url);
let loaded: RxJs | undefined;

/**
 * RxJS, loaded with the first `observe()`: a worker that never reads a consumer as an Observable does without it
 * (about 14 MB of resident memory). Under Node, `import 'rxjs'` resolves to its CommonJS build too, so this is the
 * same module the streams layer and applications import: their Observables and ours are one class.
 */
export function rxjs(): RxJs {
  loaded ??= require('rxjs') as RxJs;
  return loaded;
}
