import type { PriceRule } from '../core/price-rule.js';
import type { ProviderAdapter, ProviderRequest, ProviderUsage } from '../core/provider-adapter.js';

/** The request facts a price depends on. */
export interface PricedRequest {
  n: number;
  width?: number;
  height?: number;
  resolution?: string;
  duration?: number;
  quality?: string;
}

const defaultSide = 1024;

function roundUsd(value: number): number {
  return Math.round(value * 1_000_000) / 1_000_000;
}

function byResolution(
  table: Record<string, number> | undefined,
  resolution: string | undefined,
): number | undefined {
  return resolution === undefined ? undefined : table?.[resolution];
}

/** Estimated USD for a request under a price rule, before anything runs. */
export function estimateCost(price: PriceRule, request: PricedRequest): number {
  switch (price.type) {
    case 'per_image': {
      const size =
        request.width && request.height ? `${request.width}x${request.height}` : undefined;
      const bySize = size === undefined ? undefined : price.bySize?.[size];
      const byQuality =
        request.quality === undefined ? undefined : price.byQuality?.[request.quality];
      const byBoth =
        size === undefined || request.quality === undefined
          ? undefined
          : price.byQualityAndSize?.[`${request.quality}:${size}`];
      const unit = byBoth ?? bySize ?? byQuality ?? price.usd;
      return roundUsd(unit * request.n);
    }
    case 'per_megapixel': {
      // fal-style billing: 1024×1024 (2^20 pixels) is one megapixel, rounded up per image.
      const megapixels = Math.max(
        1,
        Math.ceil(
          ((request.width ?? defaultSide) * (request.height ?? defaultSide)) / 1_048_576 - 1e-9,
        ),
      );
      return roundUsd(price.usd * megapixels * request.n);
    }
    case 'per_second': {
      const unit = byResolution(price.byResolution, request.resolution) ?? price.usd;
      return roundUsd(unit * (request.duration ?? 5) * request.n);
    }
    case 'per_video': {
      const unit = byResolution(price.byResolution, request.resolution) ?? price.usd;
      return roundUsd(unit * request.n);
    }
    case 'per_compute_second':
      return roundUsd(price.usd * price.estimatedSecondsPerOutput * request.n);
  }
}

/**
 * Estimated USD for a request on an adapter: its own `estimateCost` when it has one, otherwise
 * the catalog rule of the request's offering (the default for every provider).
 */
export function estimateAdapterCost(adapter: ProviderAdapter, request: ProviderRequest): number {
  return adapter.estimateCost?.(request) ?? estimateCost(request.offering.price, request);
}

/** A provider never bills more than this many times its list price: beyond it, a report lies. */
const reportedCostCeiling = 10;

/**
 * A cost the provider reported, believed within bounds set by the catalog: a negative or
 * non-finite figure is ignored for the list price, and one above ten times the list price is
 * cut to that. A provider's own answer (or a callback pretending to be one) must not be able to
 * credit a tenant or empty its budget.
 */
function boundedReportedCost(reported: number, price: PriceRule, request: PricedRequest): number {
  const listed = estimateCost(price, request);
  if (!Number.isFinite(reported) || reported < 0) return listed;
  return listed > 0
    ? roundUsd(Math.min(reported, listed * reportedCostCeiling))
    : roundUsd(reported);
}

/**
 * Actual USD for a finished attempt: the provider's own figure when it reports one (within
 * bounds), otherwise the price rule applied to what was produced (compute seconds, video seconds, outputs).
 */
export function actualCost(
  price: PriceRule,
  request: PricedRequest,
  usage: ProviderUsage | undefined,
  outputCount: number,
): number {
  const produced = { ...request, n: Math.max(outputCount, 0) };
  if (usage?.costUsd !== undefined) return boundedReportedCost(usage.costUsd, price, produced);
  if (price.type === 'per_compute_second' && usage?.computeSeconds !== undefined) {
    return roundUsd(price.usd * usage.computeSeconds);
  }
  if (price.type === 'per_second' && usage?.videoSeconds !== undefined) {
    return estimateCost(price, { ...produced, n: 1, duration: usage.videoSeconds });
  }
  return estimateCost(price, produced);
}
