import { ERROR_CODES } from '../protocol/error-codes.js';
import { InitProducerId } from '../protocol/messages/index.js';
import { handler } from './handler.js';

/**
 * Hands an idempotent producer its id. Transactions are not served: a transactional id is refused, so a
 * transactional producer fails at its first step rather than later with half a transaction.
 */
export const initProducerId = handler(InitProducerId, async (ctx, req, info) => {
  if (req.transactionalId !== null) {
    ctx.logger.warn(
      { client: info.clientId, transactionalId: req.transactionalId },
      'transactions are not supported',
    );
    return {
      errorCode: ERROR_CODES.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
      producerId: -1,
      producerEpoch: -1,
    };
  }
  return { errorCode: 0, ...ctx.producers.allocate() };
});
