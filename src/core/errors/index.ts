export { GatewayError, type ErrorDetails, type GatewayErrorOptions } from './gateway-error.js';
export { ValidationError } from './validation-error.js';
export { NotFoundError } from './not-found-error.js';
export { ConflictError } from './conflict-error.js';
export { UnauthorizedError } from './unauthorized-error.js';
export { ForbiddenError } from './forbidden-error.js';
export { UnsupportedParameterError } from './unsupported-parameter-error.js';
export {
  ProviderError,
  ProviderErrorCode,
  providerErrorHttpStatus,
  type ProviderErrorOptions,
} from './provider-error.js';
export { RateLimitedError, RateLimitCode } from './rate-limited-error.js';
export { ServiceUnavailableError } from './service-unavailable-error.js';
export { OverloadedError } from './overloaded-error.js';
export { SsrfBlockedError } from './ssrf-blocked-error.js';
export { WebhookVerificationError } from './webhook-verification-error.js';
export { PaymentRequiredError, type PaymentRequiredCode } from './payment-required-error.js';
export { NoChannelError } from './no-channel-error.js';
export { DatabaseUnavailableError } from './database-unavailable-error.js';
export { StorageUnavailableError } from './storage-unavailable-error.js';
export { DatabaseFullError } from './database-full-error.js';
export { StorageFullError } from './storage-full-error.js';
export { PayloadTooLargeError } from './payload-too-large-error.js';
