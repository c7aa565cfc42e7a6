import { SluiceError } from '../../errors.js';

/**
 * Bytes on the wire that do not parse as the request they claim to be: a length running past the end of the frame,
 * a negative size, an unknown API key. The connection that sent them is closed; the broker keeps serving.
 */
export class ProtocolError extends SluiceError {
  constructor(message: string) {
    super('INVALID_REQUEST', message);
  }
}
