/**
 * PostgreSQL's streaming replication messages (inside CopyData of a `START_REPLICATION ... LOGICAL` copy-both
 * stream) and the `pgoutput` logical decoding messages they carry, protocol version 1. All integers big-endian.
 *
 *   XLogData          => 'w' walStart:Int64 walEnd:Int64 sendTime:Int64 data:pgoutput-message
 *   PrimaryKeepalive  => 'k' walEnd:Int64 sendTime:Int64 replyRequested:Byte1
 *   StandbyStatus     => 'r' written:Int64 flushed:Int64 applied:Int64 clientTime:Int64 replyRequested:Byte1
 *
 *   Begin     => 'B' finalLsn:Int64 commitTime:Int64 xid:Int32
 *   Commit    => 'C' flags:Int8 commitLsn:Int64 endLsn:Int64 commitTime:Int64
 *   Origin    => 'O' lsn:Int64 name:String
 *   Relation  => 'R' relid:Int32 namespace:String name:String replicaIdentity:Int8 ncols:Int16
 *                    [flags:Int8 name:String typeOid:Int32 typmod:Int32]      (flags bit 0: part of the key)
 *   Type      => 'Y' oid:Int32 namespace:String name:String
 *   Insert    => 'I' relid:Int32 'N' new:TupleData
 *   Update    => 'U' relid:Int32 [('K' key:TupleData | 'O' old:TupleData)] 'N' new:TupleData
 *   Delete    => 'D' relid:Int32 ('K' key:TupleData | 'O' old:TupleData)
 *   Truncate  => 'T' nrels:Int32 options:Int8 [relid:Int32]
 *   Message   => 'M' flags:Int8 lsn:Int64 prefix:String length:Int32 content:Byte[length]
 *   TupleData => ncols:Int16 [ 'n' (null) | 'u' (unchanged TOASTed value, not sent) | 't' length:Int32 text ]
 *
 * Strings are NUL-terminated UTF-8. Times are microseconds since 2000-01-01 00:00:00 UTC. An LSN is a 64-bit WAL
 * position, printed `XXXXXXXX/XXXXXXXX` (high and low 32 bits in hex).
 */

/** A column of a tuple: null, unchanged (TOASTed, not sent), or its text form. */
export type TupleColumn = null | typeof UNCHANGED | string;
/** Marks a TOASTed column the update did not change: the server does not send its value. */
export const UNCHANGED: unique symbol = Symbol('unchanged-toast');

export interface RelationColumn {
  name: string;
  typeOid: number;
  isKey: boolean;
}

export type PgOutputMessage =
  | { tag: 'begin'; finalLsn: bigint; commitTime: bigint; xid: number }
  | { tag: 'commit'; commitLsn: bigint; endLsn: bigint; commitTime: bigint }
  | { tag: 'relation'; relid: number; schema: string; table: string; columns: RelationColumn[] }
  | { tag: 'insert'; relid: number; after: TupleColumn[] }
  | { tag: 'update'; relid: number; before: TupleColumn[] | null; after: TupleColumn[] }
  | { tag: 'delete'; relid: number; before: TupleColumn[] }
  | { tag: 'truncate'; relids: number[] }
  | { tag: 'other'; type: string };

export type ReplicationMessage =
  | { tag: 'xlog'; walStart: bigint; walEnd: bigint; message: PgOutputMessage }
  | { tag: 'keepalive'; walEnd: bigint; replyRequested: boolean };

/** Microseconds from the Unix epoch to PostgreSQL's epoch, 2000-01-01. */
const PG_EPOCH_MICROS = 946_684_800_000_000n;

export function pgTimeToMillis(micros: bigint): number {
  return Number((micros + PG_EPOCH_MICROS) / 1000n);
}

export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

export function parseLsn(text: string): bigint {
  const [hi, lo] = text.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}

type Utf8Sliceable = Buffer & { utf8Slice(start: number, end: number): string };

class Reader {
  offset = 0;
  constructor(private readonly buf: Buffer) {}
  byte(): number {
    return this.buf[this.offset++]!;
  }
  char(): string {
    return String.fromCharCode(this.byte());
  }
  int16(): number {
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  int32(): number {
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  uint32(): number {
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  int64(): bigint {
    const v = this.buf.readBigUInt64BE(this.offset);
    this.offset += 8;
    return v;
  }
  string(): string {
    const end = this.buf.indexOf(0, this.offset);
    const s = this.buf.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return s;
  }
  tuple(): TupleColumn[] {
    const n = this.int16();
    const columns: TupleColumn[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const kind = this.byte();
      if (kind === 0x74 /* t */) {
        const length = this.int32();
        // utf8Slice: toString('utf8', ...) without its argument checks, once per column of every change.
        columns[i] = (this.buf as Utf8Sliceable).utf8Slice(this.offset, this.offset + length);
        this.offset += length;
      } else columns[i] = kind === 0x75 /* u */ ? UNCHANGED : null;
    }
    return columns;
  }
}

export function decodePgOutput(data: Buffer): PgOutputMessage {
  const r = new Reader(data);
  const type = r.char();
  switch (type) {
    case 'B':
      return { tag: 'begin', finalLsn: r.int64(), commitTime: r.int64(), xid: r.uint32() };
    case 'C':
      r.byte();
      return { tag: 'commit', commitLsn: r.int64(), endLsn: r.int64(), commitTime: r.int64() };
    case 'R': {
      const relid = r.uint32();
      const schema = r.string();
      const table = r.string();
      r.byte(); // replica identity setting
      const columns: RelationColumn[] = Array.from({ length: r.int16() }, () => {
        const isKey = (r.byte() & 1) === 1;
        const name = r.string();
        const typeOid = r.uint32();
        r.int32(); // typmod
        return { name, typeOid, isKey };
      });
      return { tag: 'relation', relid, schema, table, columns };
    }
    case 'I': {
      const relid = r.uint32();
      r.byte(); // 'N'
      return { tag: 'insert', relid, after: r.tuple() };
    }
    case 'U': {
      const relid = r.uint32();
      let marker = r.char();
      let before: TupleColumn[] | null = null;
      if (marker === 'K' || marker === 'O') {
        before = r.tuple();
        marker = r.char();
      }
      return { tag: 'update', relid, before, after: r.tuple() };
    }
    case 'D': {
      const relid = r.uint32();
      r.byte(); // 'K' or 'O'
      return { tag: 'delete', relid, before: r.tuple() };
    }
    case 'T': {
      const n = r.int32();
      r.byte(); // options: CASCADE, RESTART IDENTITY
      return { tag: 'truncate', relids: Array.from({ length: n }, () => r.uint32()) };
    }
    default:
      return { tag: 'other', type };
  }
}

export function decodeReplication(data: Buffer): ReplicationMessage | null {
  const r = new Reader(data);
  const type = r.char();
  if (type === 'w') {
    const walStart = r.int64();
    const walEnd = r.int64();
    r.int64(); // send time
    return { tag: 'xlog', walStart, walEnd, message: decodePgOutput(data.subarray(25)) };
  }
  if (type === 'k') {
    const walEnd = r.int64();
    r.int64();
    return { tag: 'keepalive', walEnd, replyRequested: r.byte() === 1 };
  }
  return null;
}

/** A standby status update reporting `lsn` as written, flushed and applied. */
export function encodeStatusUpdate(lsn: bigint, now = Date.now(), replyRequested = false): Buffer {
  const buf = Buffer.alloc(34);
  buf.write('r', 0, 'latin1');
  buf.writeBigUInt64BE(lsn, 1);
  buf.writeBigUInt64BE(lsn, 9);
  buf.writeBigUInt64BE(lsn, 17);
  buf.writeBigInt64BE(BigInt(now) * 1000n - PG_EPOCH_MICROS, 25);
  buf.writeUInt8(replyRequested ? 1 : 0, 33);
  return buf;
}
