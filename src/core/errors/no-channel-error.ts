import { GatewayError } from './gateway-error.js';

/**
 * Nothing serves this (group, model): the S4 outage (a token group without a channel) as a
 * clear answer instead of a bare 500. Not retryable: it stays so until an operator adds a
 * channel or fixes the group, which every instance then obeys within a second.
 */
export class NoChannelError extends GatewayError {
  constructor(group: string, model: string) {
    super({
      code: 'no_channel',
      message: `no channel serves group '${group}' for model '${model}'`,
      httpStatus: 503,
      details: { group, model },
    });
  }
}
