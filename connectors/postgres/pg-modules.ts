import { createRequire } from 'node:module';

type Pg = typeof import('pg');
type PgCopyStreams = typeof import('pg-copy-streams');

const require = createRequire(import.meta.url);
let loadedPg: Pg | undefined;
let loadedCopyStreams: PgCopyStreams | undefined;

/**
 * pg, loaded on first use: a worker or pipeline that runs no PostgreSQL connector never pays for it (about 16 MB
 * of resident memory). pg is CommonJS, so `require` gives the same module an `import` elsewhere does.
 */
export function pg(): Pg {
  loadedPg ??= require('pg') as Pg;
  return loadedPg;
}

/** pg-copy-streams, loaded on first use like {@link pg}. */
export function pgCopyStreams(): PgCopyStreams {
  loadedCopyStreams ??= require('pg-copy-streams') as PgCopyStreams;
  return loadedCopyStreams;
}
