import { GatewayError } from './gateway-error.js';

/** A resource (job, asset, provider, rollout…) does not exist. */
export class NotFoundError extends GatewayError {
  constructor(resource: string, id: string) {
    super({
      code: `${resource}_not_found`,
      message: `No ${resource.replaceAll('_', ' ')} with id '${id}'.`,
      httpStatus: 404,
      details: { id },
    });
  }
}
