import { embeddedClient } from '../src/client/embedded/embedded-client.js';
import { describeClientContract } from './client/contract.js';
import { MemoryLog } from './client/embedded/memory-log.js';

describeClientContract('memory', async () => {
  const log = new MemoryLog();
  return { connect: async () => embeddedClient(log as never), dispose: async () => {} };
});
