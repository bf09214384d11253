import type { GenerationKind, GenerationTask, QualityTier } from './generation-request.js';
import type { ModelOffering, QualityTierSettings } from './model-capabilities.js';
import type { Warning } from './warning.js';

/** JSON value an adapter may store as its opaque operation handle. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** An input image as the adapter sees it: a URL the provider can fetch, and bytes on demand. */
export interface ImageInput {
  /**
   * A URL the provider can fetch: the client's own http(s) URL, or the public URL of an
   * uploaded asset on this gateway. Undefined when the gateway has no public URL for it.
   */
  url?: string;
  /** Asset id when the image is stored on this gateway. */
  assetId?: string;
  /** Sniffed MIME type when known (`image/png`, …). */
  mimeType?: string;
  /**
   * Reads the bytes. For a remote URL the first call of a submission run downloads it
   * (SSRF-checked, size-limited) into the asset store; later calls read that copy.
   */
  read(): Promise<{ data: Buffer; mimeType: string }>;
}

/**
 * A request after validation against the chosen model's capabilities: the adapter maps it to
 * the provider's fields and never has to second-guess ranges.
 */
export interface ProviderRequest {
  /** `image` or `video`. */
  kind: GenerationKind;
  /** The task. */
  task: GenerationTask;
  /** The model offering being used (provider model id, capabilities, price). */
  offering: ModelOffering;
  /** Positive prompt. */
  prompt: string;
  /** Negative prompt (only when the model supports it). */
  negativePrompt?: string;
  /** Input images (image-to-image, image-to-video, inpaint). */
  inputImages: ImageInput[];
  /** Inpainting mask. */
  mask?: ImageInput;
  /** Output width in pixels, when resolved. */
  width?: number;
  /** Output height in pixels, when resolved. */
  height?: number;
  /** Resolution preset name, when the model uses presets. */
  resolution?: string;
  /** Aspect ratio such as `16:9`. */
  aspectRatio?: string;
  /** Video duration in seconds (video only). */
  duration?: number;
  /** Number of outputs. */
  n: number;
  /** Seed. */
  seed?: number;
  /** Quality tier. */
  quality?: QualityTier;
  /**
   * What `quality` means on this offering, from the catalog (`offering.qualitySettings`); the
   * adapter sends the fields its provider has. Absent when the tier has no settings here.
   */
  qualitySettings?: QualityTierSettings;
  /** The provider's own style preset (not a gateway preset: those are applied already). */
  style?: string;
  /** Image-to-image strength 0–1 (only when the model honours it). */
  strength?: number;
  /** End-user id, for providers that take one (abuse tracking). */
  user?: string;
}

/** What `enhancePrompt` is asked. */
export interface PromptEnhanceRequest {
  /** The prompt to improve (after any style preset template). */
  prompt: string;
  /** Longest prompt wanted back, in characters. */
  maxLength: number;
}

/** What `enhancePrompt` returns. */
export interface PromptEnhanceResult {
  /** The improved prompt. */
  prompt: string;
  /** USD the provider charged for it, when reported. */
  costUsd?: number;
}

/** Per-call context the job engine hands to adapters. */
export interface SubmitContext {
  /** The gateway job id. */
  jobId: string;
  /**
   * Unique id of this attempt; adapters that can send an idempotency key or a client-chosen
   * task id use it, so a resubmission after a crash cannot create a second job.
   */
  attemptId: string;
  /** Aborted when the attempt times out or the gateway shuts down. */
  signal: AbortSignal;
  /**
   * Public URL of this gateway's inbound webhook route for this provider, when a public base
   * URL is configured. Adapters pass it to providers that call back.
   */
  callbackUrl?: string;
  /**
   * The caller's own provider API key for this call (S1's per-request `api_key`, when the
   * operator allows it): sent instead of the configured key, never stored or logged. Adapters
   * pass it to their HTTP client, which also redacts it from every error text.
   */
  apiKey?: string;
}

/** Context for status, cancel and health calls. */
export interface CallContext {
  /** Aborted on timeout or shutdown. */
  signal: AbortSignal;
  /**
   * The caller's own provider API key for this call, as in {@link SubmitContext.apiKey}; absent
   * means the key the operator configured.
   */
  apiKey?: string;
}

/** A generated file as the provider returns it. */
export type ProviderOutput =
  | {
      type: 'url';
      /** Where to download it (fetched through the SSRF-safe helper). */
      url: string;
      /** Headers the download needs (e.g. an API key for Google file URIs). */
      headers?: Record<string, string>;
      /** MIME type when the provider says. */
      mimeType?: string;
      width?: number;
      height?: number;
      durationSeconds?: number;
    }
  | {
      type: 'bytes';
      /** File contents (e.g. decoded base64 from the provider). */
      data: Buffer;
      /** MIME type. */
      mimeType: string;
      width?: number;
      height?: number;
      durationSeconds?: number;
    };

/** What the provider reported about usage, for cost. */
export interface ProviderUsage {
  /** Cost in USD as the provider itself reported it (preferred over the catalog). */
  costUsd?: number;
  /** Provider compute seconds (Replicate `predict_time`). */
  computeSeconds?: number;
  /** Seconds of video produced. */
  videoSeconds?: number;
}

/** Result of polling (or of a webhook, or of a synchronous submit). */
export type StatusResult =
  | {
      status: 'pending';
      /** `queued` at the provider, or `running`. */
      phase: 'queued' | 'running';
      /** Progress 0–1 when the provider reports it. */
      progress?: number;
      /** The provider asked us not to poll again before this many ms. */
      retryAfterMs?: number;
    }
  | {
      status: 'completed';
      /** The files produced. */
      outputs: ProviderOutput[];
      /** Usage and cost as reported. */
      usage?: ProviderUsage;
      /** Anything the provider changed (e.g. revised prompt, adjusted size). */
      warnings?: Warning[];
    }
  | {
      status: 'failed';
      /** Stable error code (a `ProviderErrorCode` or `provider_generation_failed`). */
      code: string;
      /** Message safe to show. */
      message: string;
      /** Whether another provider might succeed with the same request. */
      isRetryable: boolean;
    }
  | {
      status: 'canceled';
    };

/** What `submit` returns. */
export interface SubmitResult {
  /** Opaque JSON the adapter needs later for status/cancel; stored on the attempt. */
  operation: JsonValue;
  /** The provider's own id for the job (shown on attempts, matched by webhooks). */
  providerJobId: string;
  /** Parameters the provider will treat differently from the request. */
  warnings?: Warning[];
  /** Set when the provider answered synchronously with the finished result. */
  immediate?: StatusResult;
}

/** A webhook request as received, for verification and parsing. */
export interface InboundWebhook {
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  /** Exact bytes received (signatures are over these). */
  rawBody: Buffer;
  /** Query string parameters (Runware passes a token this way). */
  query: Record<string, string | undefined>;
}

/** A verified webhook mapped to a job update. */
export interface WebhookResult {
  /** Provider job id the webhook is about. */
  providerJobId: string;
  /** New status. */
  result: StatusResult;
  /**
   * The callback is only a signal, not evidence: the engine asks the provider for the job's
   * status at once and believes that answer, never the body. For providers whose callbacks are
   * not signed by the provider itself (Runware: the token in the URL is the gateway's own and
   * leaks with the URL, from proxy logs for example).
   */
  confirm?: boolean;
}

/** Outcome of an active health check. */
export interface HealthCheckResult {
  /** Whether the provider answered as expected. */
  ok: boolean;
  /** Round-trip time of the check. */
  latencyMs: number;
  /** Safe error text when not ok. */
  error?: string;
  /** Credit state when the provider exposes it. */
  credits?: {
    /** Remaining balance in USD when known. */
    remainingUsd?: number;
    /** True when the balance is known to be exhausted. */
    exhausted: boolean;
  };
}

/**
 * The contract every provider adapter implements. Adapters translate; they never sleep, poll
 * or retry — the job engine owns polling, backoff and timeouts, and the router owns fallback.
 */
export interface ProviderAdapter {
  /** Contract version this adapter implements. */
  readonly specificationVersion: 'v1';
  /** Instance id from config (`runware`, `fal`, `sim-b`). Unique per gateway. */
  readonly id: string;
  /** Provider type (`simulator`, `runware`, `fal`, …). */
  readonly type: string;
  /** Models this instance serves. */
  readonly models: readonly ModelOffering[];
  /**
   * Estimated USD cost of a request on one of this instance's models, before submission.
   * Optional: without it the router applies the offering's catalog price rule
   * (`estimateAdapterCost` in `src/catalog/estimate-cost.ts`). Implement it only when the
   * provider prices a request differently from its rule.
   */
  estimateCost?(request: ProviderRequest): number;
  /** Submits the request; resolves once the provider has accepted it (or finished it). */
  submit(request: ProviderRequest, context: SubmitContext): Promise<SubmitResult>;
  /** Asks the provider where an operation stands. One call, no waiting. */
  status(operation: JsonValue, context: CallContext): Promise<StatusResult>;
  /** Cancels a running operation, when the provider supports it. */
  cancel?(operation: JsonValue, context: CallContext): Promise<void>;
  /**
   * After a crash during submit: finds the operation created with `attemptId`, if the provider
   * can look it up by a client-chosen id. Null when it never arrived.
   */
  recover?(request: ProviderRequest, context: SubmitContext): Promise<SubmitResult | null>;
  /** Verifies and parses an inbound webhook; throws a 401-class error when forged. */
  parseWebhook?(webhook: InboundWebhook): Promise<WebhookResult>;
  /** A cheap check that the provider is reachable and the key works (never billable). */
  healthCheck(context: CallContext): Promise<HealthCheckResult>;
  /**
   * Rewrites a prompt into a richer one (Runware's `promptEnhance` task), when the provider
   * offers that. One call, synchronous; the gateway records the result on the job.
   */
  enhancePrompt?(request: PromptEnhanceRequest, context: CallContext): Promise<PromptEnhanceResult>;
}
