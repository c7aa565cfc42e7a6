// kafkajs is CommonJS: Node's ESM loader cannot see all of its named exports, so take them off the default export.
import kafkajs from 'kafkajs';

export const { Kafka, AssignerProtocol, ConfigResourceTypes, logLevel } = kafkajs;
