import { describe, expect, it } from 'vitest';
import { missing, type Requirement, SERVICES_COMMAND, servicesError } from './services.js';

describe('test services', () => {
  it('names every missing service and the one command that provides them', async () => {
    const list: Requirement[] = [
      { name: 'present', check: async () => null },
      { name: 'kcat (Debian package kcat)', check: async () => '/usr/bin/kcat is not installed' },
      { name: 'PostgreSQL', check: async () => 'wal_level is replica, not logical' },
    ];
    const absent = await missing(list);
    expect(absent).toEqual([
      'kcat (Debian package kcat): /usr/bin/kcat is not installed',
      'PostgreSQL: wal_level is replica, not logical',
    ]);
    const message = servicesError(absent).message;
    expect(message).toContain('kcat (Debian package kcat): /usr/bin/kcat is not installed');
    expect(message).toContain('wal_level is replica');
    expect(message).toContain(`provide them with: ${SERVICES_COMMAND}`);
  });

  it('finds the services the suite needs on this machine (the global setup provided them)', async () => {
    expect(await missing()).toEqual([]);
  });
});
