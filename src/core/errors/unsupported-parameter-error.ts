import { GatewayError } from './gateway-error.js';

/**
 * A request parameter the chosen model cannot honour. Raised before routing so nothing is
 * silently dropped or clamped; `details` names the parameter and what the model supports.
 */
export class UnsupportedParameterError extends GatewayError {
  constructor(parameter: string, message: string, supported: unknown) {
    super({
      code: 'unsupported_parameter',
      message,
      httpStatus: 400,
      details: { parameter, supported },
    });
  }
}
