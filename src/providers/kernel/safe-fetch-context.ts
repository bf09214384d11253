import type { SsrfGuard } from '../../security/ssrf-guard.js';

/** The SSRF guard and limits every gateway-initiated download goes through. */
export interface SafeFetchContext {
  guard: SsrfGuard;
  /** Largest accepted download. */
  maxBytes: number;
  /** Per-request timeout. */
  timeoutMs: number;
}
