import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../src/log/codec/crc32c.js';

describe('log › codec › crc32c', () => {
  it('matches the standard check value for "123456789"', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  // The iSCSI test vectors of RFC 3720, appendix B.4.
  it.each([
    ['32 zero bytes', Buffer.alloc(32), 0x8a9136aa],
    ['32 0xff bytes', Buffer.alloc(32, 0xff), 0x62a8ab43],
    ['32 incrementing bytes', Buffer.from(Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e],
    ['32 decrementing bytes', Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c],
  ])('matches the RFC 3720 vector for %s', (_name, bytes, expected) => {
    expect(crc32c(bytes)).toBe(expected);
  });

  it('checksums a range, and continues a running checksum', () => {
    const bytes = Buffer.from('xx123456789yy');
    expect(crc32c(bytes, 2, 11)).toBe(0xe3069283);
    const first = crc32c(Buffer.from('1234'));
    expect(crc32c(Buffer.from('56789'), 0, 5, first)).toBe(0xe3069283);
  });

  it('returns an unsigned 32-bit number', () => {
    expect(crc32c(Buffer.from('123456789'))).toBeGreaterThan(0x7fffffff);
  });
});
