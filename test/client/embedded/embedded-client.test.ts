import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../../../src/client/connect.js';
import { describeClientContract } from '../contract.js';

// The contract against a real log directory; `connect` again after `close` reopens it, as a restarted process would.
describeClientContract('embedded', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-client-'));
  return {
    connect: () => connect({ log: { dir } }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});
