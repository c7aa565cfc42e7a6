import { z } from 'zod';
import { parseConfig } from '../config/index.js';
import type { CoordinatorConfig } from './types.js';

const ms = z.number().int().nonnegative();

/** Broker-side group settings with Kafka's names; see {@link CoordinatorConfig} for what each means. */
export const coordinatorConfigSchema = z.strictObject({
  'group.min.session.timeout.ms': ms.default(6_000).describe('Shortest session a member may ask for.'),
  'group.max.session.timeout.ms': ms.default(1_800_000).describe('Longest session a member may ask for.'),
  'group.initial.rebalance.delay.ms': ms
    .default(0)
    .describe('How long the first rebalance of an empty group waits for more members.'),
  'group.max.size': z.number().int().positive().default(2_147_483_647).describe('Members allowed per group.'),
  'offsets.retention.minutes': z
    .number()
    .int()
    .positive()
    .default(10_080)
    .describe('How long the offsets of an empty group are kept.'),
  'offsets.retention.check.interval.ms': z
    .number()
    .int()
    .positive()
    .default(600_000)
    .describe('How often expired offsets are removed.'),
  'offset.metadata.max.bytes': ms
    .default(4_096)
    .describe('Longest metadata string an offset commit may carry.'),
  'offsets.topic.num.partitions': z
    .number()
    .int()
    .positive()
    .default(50)
    .describe('Partitions of __consumer_offsets when it is created.'),
});

export function parseCoordinatorConfig(input: Partial<CoordinatorConfig> | undefined): CoordinatorConfig {
  return parseConfig(coordinatorConfigSchema, input ?? {}, 'group coordinator config');
}
