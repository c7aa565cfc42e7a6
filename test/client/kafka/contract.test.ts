import { describeClientContract } from '../contract.js';
import { brokerBackend } from './broker-backend.js';

// The same contract as the embedded backend, over kafkajs against a `sluice broker` on a random loopback port.
describeClientContract('kafka', brokerBackend);
