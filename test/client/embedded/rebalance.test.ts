import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../../../src/client/connect.js';
import { describeRebalanceContract } from '../rebalance-contract.js';

describeRebalanceContract('embedded', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-client-'));
  return {
    connect: () => connect({ log: { dir } }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});
