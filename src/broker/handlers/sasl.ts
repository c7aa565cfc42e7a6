import { SaslAuthenticate, SaslHandshake } from '../protocol/messages/index.js';
import { ProtocolError } from '../protocol/protocol-error.js';
import { handler } from './handler.js';

/** SaslHandshake: picks the mechanism of the connection's exchange (see SaslSession). */
export const saslHandshake = handler(SaslHandshake, async (_ctx, request, info) => {
  if (!info.sasl) throw new ProtocolError('SaslHandshake to a broker that does not ask for SASL');
  return info.sasl.handshake(request.mechanism, info.apiVersion);
});

/** SaslAuthenticate: one token of the exchange each way. */
export const saslAuthenticate = handler(SaslAuthenticate, async (_ctx, request, info) => {
  if (!info.sasl) throw new ProtocolError('SaslAuthenticate to a broker that does not ask for SASL');
  return { ...(await info.sasl.authenticate(request.authBytes)), sessionLifetimeMs: 0 };
});
