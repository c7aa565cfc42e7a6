import type { logCreator } from 'kafkajs';
import pino, { type Logger } from 'pino';
import { kafkajs } from './kafkajs.js';

/**
 * kafkajs's logger, routed into pino: only warnings and errors come through (kafkajs logs every reconnect and
 * rebalance at info), under `component: kafkajs`.
 */
export function kafkaJsLogCreator(parent?: Logger): logCreator {
  const logger = (
    parent ?? pino({ level: process.env.SLUICE_LOG_LEVEL ?? 'warn' }, pino.destination(2))
  ).child({
    component: 'kafkajs',
  });
  const { logLevel } = kafkajs();
  return () =>
    ({ level, log }) => {
      const { message, ...rest } = log;
      if (level === logLevel.ERROR) logger.error(rest, message);
      else if (level === logLevel.WARN) logger.warn(rest, message);
    };
}
