import { describeRebalanceContract } from '../rebalance-contract.js';
import { brokerBackend } from './broker-backend.js';

// kafkajs awaits no rebalance callback, delivers a new assignment's batches at once and heartbeats only between
// batches; the consumer over it must keep the contract all the same (no batch reaches the reader while a callback
// runs, among the rest).
describeRebalanceContract('kafka', brokerBackend);
