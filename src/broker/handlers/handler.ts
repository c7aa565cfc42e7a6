import type { BrokerContext, RequestInfo } from '../broker-context.js';
import type { ApiSpec, InputOf, MessageOf } from '../protocol/schema.js';

/** The response to encode, or null for none at all (Produce with acks=0). */
export type HandlerResult<A extends ApiSpec> = InputOf<A['response']['fields']> | null;

/**
 * Serves one API: takes the decoded request, returns the response body. A handler reports failures in the
 * response's error codes, as Kafka does; what it throws instead closes the client's connection (with a log line).
 */
export interface Handler<A extends ApiSpec = ApiSpec> {
  api: A;
  handle(ctx: BrokerContext, request: MessageOf<A['request']>, info: RequestInfo): Promise<HandlerResult<A>>;
}

/** Pairs an API with its handler, keeping the request and response types of that API. */
export function handler<A extends ApiSpec>(api: A, handle: Handler<A>['handle']): Handler {
  return { api, handle } as unknown as Handler;
}
