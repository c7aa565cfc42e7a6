import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CopyOut } from '../../../connectors/postgres/copy-out.js';

/** One backend message: its code, then its length (counting itself), then its body. */
function message(code: string, body: Buffer | string = ''): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const head = Buffer.alloc(5);
  head[0] = code.charCodeAt(0);
  head.writeUInt32BE(bytes.length + 4, 1);
  return Buffer.concat([head, bytes]);
}

/** A socket of a pg connection as far as CopyOut sees it, with pg's own data listener recording what it gets. */
class FakeConnection {
  readonly stream = Object.assign(new EventEmitter(), {
    paused: false,
    pause() {
      this.paused = true;
    },
    resume() {
      this.paused = false;
    },
    destroy() {},
  });
  readonly toPg: Buffer[] = [];
  queried = '';
  /** Called with all pg has been handed so far, after each chunk: pg's parsing of it. */
  onPg: (bytes: Buffer) => void = () => {};

  constructor() {
    this.stream.on('data', (chunk: Buffer) => {
      this.toPg.push(Buffer.from(chunk));
      this.onPg(Buffer.concat(this.toPg));
    });
  }

  query(text: string): void {
    this.queried = text;
  }

  /** The bytes, cut where `cuts` say (positions, any order), as the socket would deliver them. */
  deliver(bytes: Buffer, cuts: number[]): void {
    const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
    let from = 0;
    for (const cut of [...at, bytes.length]) {
      if (cut > from) this.stream.emit('data', Buffer.from(bytes.subarray(from, cut)));
      from = Math.max(from, cut);
    }
  }
}

/** Reads every chunk of text `next` gives until it ends (or fails). */
async function readAll(copy: CopyOut): Promise<string> {
  let text = '';
  for (let chunk = await copy.next(); chunk !== null; chunk = await copy.next())
    text += chunk.toString('latin1');
  return text;
}

const rowText = fc.array(fc.string({ unit: 'binary-ascii', maxLength: 40 }), { maxLength: 60 });
const interleaved = fc.constantFrom('N', 'S', 'A', '');

describe('connectors › postgres › copy out', () => {
  it('hands the text of every CopyData message in order, however the socket cuts the stream, and gives the rest to pg', async () => {
    await fc.assert(
      fc.asyncProperty(
        rowText,
        fc.array(interleaved, { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        async (rows, others, cuts) => {
          const connection = new FakeConnection();
          const pgListener = connection.stream.listeners('data')[0];
          const copy = new CopyOut('COPY (SELECT 1) TO STDOUT');
          copy.submit(connection);
          expect(connection.queried).toBe('COPY (SELECT 1) TO STDOUT');
          const after = Buffer.concat([message('C', 'COPY 0\0'), message('Z', 'I')]);
          const stream = Buffer.concat([
            message('H', Buffer.from([0, 0, 1, 0, 0])),
            ...rows.flatMap((row, i) => [
              message('d', `${row}\n`),
              ...(others[i] ? [message(others[i]!, 'notice\0')] : []),
            ]),
            message('c'),
            after,
          ]);
          const read = readAll(copy);
          connection.deliver(stream, cuts);
          expect(await read).toBe(rows.map((r) => `${r}\n`).join(''));
          expect(copy.messages).toBe(rows.length);
          // pg reads again what follows CopyDone, and only that; its listener is the socket's one again.
          expect(Buffer.concat(connection.toPg).equals(after)).toBe(true);
          expect(connection.stream.listeners('data')).toEqual([pgListener]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives pg the stream from an ErrorResponse on, and fails with the error pg reports', async () => {
    await fc.assert(
      fc.asyncProperty(rowText, fc.array(fc.nat(), { maxLength: 20 }), async (rows, cuts) => {
        const connection = new FakeConnection();
        const copy = new CopyOut('COPY (SELECT 1) TO STDOUT');
        copy.submit(connection);
        const error = Buffer.concat([message('E', 'SERROR\0Mdivision by zero\0\0'), message('Z', 'I')]);
        const stream = Buffer.concat([
          message('H', Buffer.from([0, 0, 0])),
          ...rows.map((row) => message('d', `${row}\n`)),
          error,
        ]);
        // pg parses the ErrorResponse once it has it whole, and tells the active query.
        let reported = false;
        connection.onPg = (bytes) => {
          if (!reported && bytes.length >= error.length - 6) {
            reported = true;
            copy.handleError(new Error('division by zero'));
          }
        };
        let text = '';
        const read = (async () => {
          for (let chunk = await copy.next(); chunk !== null; chunk = await copy.next())
            text += chunk.toString('latin1');
        })();
        connection.deliver(stream, cuts);
        await expect(read).rejects.toThrow('division by zero');
        expect(Buffer.concat(connection.toPg).equals(error)).toBe(true);
        expect(text).toBe(rows.map((r) => `${r}\n`).join(''));
      }),
      { numRuns: 200 },
    );
  });

  it('pauses the socket while a megabyte waits unread, and resumes it once half of it is read', async () => {
    const connection = new FakeConnection();
    const copy = new CopyOut('COPY (SELECT 1) TO STDOUT');
    copy.submit(connection);
    const row = message('d', `${'x'.repeat(1023)}\n`);
    for (let i = 0; i < 1100; i++) connection.stream.emit('data', Buffer.from(row));
    expect(connection.stream.paused).toBe(true);
    let read = 0;
    while (connection.stream.paused) read += (await copy.next())!.length;
    expect(read).toBeGreaterThanOrEqual(512 * 1024);
    expect(read).toBeLessThan(600 * 1024);
  });

  it('once closed, drops what the server still sends and lets the socket flow, so that it can end', async () => {
    const connection = new FakeConnection();
    const copy = new CopyOut('COPY (SELECT 1) TO STDOUT');
    copy.submit(connection);
    const row = message('d', `${'y'.repeat(2047)}\n`);
    for (let i = 0; i < 600; i++) connection.stream.emit('data', Buffer.from(row));
    expect(connection.stream.paused).toBe(true);
    copy.close();
    expect(connection.stream.paused).toBe(false);
    connection.stream.emit('data', Buffer.concat([row, message('c'), message('C', 'COPY 601\0')]));
    expect(connection.toPg).toEqual([]);
    await expect(copy.next()).rejects.toThrow('the COPY was closed');
  });
});
