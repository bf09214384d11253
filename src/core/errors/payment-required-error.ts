import { GatewayError, type ErrorDetails } from './gateway-error.js';

/** Why a tenant's request is refused for money. */
export type PaymentRequiredCode =
  /** The estimate exceeds the balance left after the reservations of unfinished jobs. */
  | 'insufficient_quota'
  /** The estimate would take the day's or month's spend past the tenant's hard budget. */
  | 'budget_exceeded';

/**
 * 402: the tenant cannot pay for this job right now. Not retryable as is (it succeeds after
 * a credit, a refund of another job or a new budget period); `details` carries the figures.
 */
export class PaymentRequiredError extends GatewayError {
  constructor(code: PaymentRequiredCode, message: string, details: ErrorDetails) {
    super({ code, message, httpStatus: 402, details });
  }
}
