import { describe, expect, it } from 'vitest';
import { parseArray } from '../../../connectors/postgres/pg-array.js';
import {
  decodePgOutput,
  decodeReplication,
  encodeStatusUpdate,
  formatLsn,
  parseLsn,
  pgTimeToMillis,
  UNCHANGED,
} from '../../../connectors/postgres/pgoutput.js';

/** Hand-assembled frames following the message formats of PostgreSQL's logical replication protocol. */
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const cstr = (s: string) => `${Buffer.from(s).toString('hex')}00`;

describe('connectors › postgres › pgoutput codec', () => {
  it('decodes Begin and Commit', () => {
    expect(decodePgOutput(hex('42 0000000116B37A20 0002B5E3D3A1C000 000002F1'))).toEqual({
      tag: 'begin',
      finalLsn: 0x116b37a20n,
      commitTime: 0x2b5e3d3a1c000n,
      xid: 753,
    });
    expect(decodePgOutput(hex('43 00 0000000116B37A20 0000000116B37A50 0002B5E3D3A1C000'))).toEqual({
      tag: 'commit',
      commitLsn: 0x116b37a20n,
      endLsn: 0x116b37a50n,
      commitTime: 0x2b5e3d3a1c000n,
    });
  });

  it('decodes a Relation with its key columns', () => {
    const frame = hex(
      `52 00004001 ${cstr('public')} ${cstr('t"x')} 64 0002 01 ${cstr('id')} 00000017 ffffffff 00 ${cstr('big')} 00000019 ffffffff`,
    );
    expect(decodePgOutput(frame)).toEqual({
      tag: 'relation',
      relid: 0x4001,
      schema: 'public',
      table: 't"x',
      columns: [
        { name: 'id', typeOid: 23, isKey: true },
        { name: 'big', typeOid: 25, isKey: false },
      ],
    });
  });

  it('decodes tuples with text, NULL and unchanged TOASTed columns', () => {
    expect(decodePgOutput(hex(`49 00004001 4e 0002 74 00000002 3432 6e`))).toEqual({
      tag: 'insert',
      relid: 0x4001,
      after: ['42', null],
    });
    expect(decodePgOutput(hex(`55 00004001 4e 0002 74 00000001 37 75`))).toEqual({
      tag: 'update',
      relid: 0x4001,
      before: null,
      after: ['7', UNCHANGED],
    });
    expect(decodePgOutput(hex(`55 00004001 4b 0002 74 00000001 31 6e 4e 0002 74 00000001 32 6e`))).toEqual({
      tag: 'update',
      relid: 0x4001,
      before: ['1', null],
      after: ['2', null],
    });
    expect(decodePgOutput(hex(`44 00004001 4b 0002 74 00000001 31 6e`))).toEqual({
      tag: 'delete',
      relid: 0x4001,
      before: ['1', null],
    });
    expect(decodePgOutput(hex('54 00000002 00 00004001 00004002'))).toEqual({
      tag: 'truncate',
      relids: [0x4001, 0x4002],
    });
  });

  it('unwraps XLogData and keepalives, and encodes standby status updates', () => {
    const xlog = hex(`77 0000000000000010 0000000000000020 0000000000000000 49 00000001 4e 0001 6e`);
    expect(decodeReplication(xlog)).toEqual({
      tag: 'xlog',
      walStart: 16n,
      walEnd: 32n,
      message: { tag: 'insert', relid: 1, after: [null] },
    });
    expect(decodeReplication(hex('6b 0000000000000100 0000000000000000 01'))).toEqual({
      tag: 'keepalive',
      walEnd: 256n,
      replyRequested: true,
    });
    const status = encodeStatusUpdate(0x116b37a50n, Date.UTC(2000, 0, 1, 0, 0, 1));
    expect(status.toString('hex')).toBe(
      `72${'0000000116b37a50'.repeat(3)}00000000000f424000`, // clock: 1 s after 2000-01-01 in µs
    );
  });

  it('prints and parses LSNs, and converts PostgreSQL times', () => {
    expect(formatLsn(0x116b37a20n)).toBe('1/16B37A20');
    expect(parseLsn('1/16B37A20')).toBe(0x116b37a20n);
    expect(pgTimeToMillis(1_000_000n)).toBe(Date.UTC(2000, 0, 1, 0, 0, 1));
  });

  it('parses array literals with quoting, NULLs, nesting and bounds', () => {
    expect(parseArray('{1,NULL,3}', Number)).toEqual([1, null, 3]);
    expect(parseArray('{"a,b","c\\"d","NULL",NULL," x "}', String)).toEqual([
      'a,b',
      'c"d',
      'NULL',
      null,
      ' x ',
    ]);
    expect(parseArray('{{1,2},{3,4}}', Number)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(parseArray('[0:1]={7,8}', Number)).toEqual([7, 8]);
    expect(parseArray('{}', Number)).toEqual([]);
  });
});
