import type { AssetStore } from '../../assets/asset-store.js';
import type { Config } from '../../config/config-schema.js';
import type { JobService } from '../../jobs/job-service.js';
import type { Logger } from '../../observability/logger.js';
import type { ProviderInstances } from '../../providers/provider-instances.js';
import type { Router } from '../../routing/router.js';
import type { InboundWebhookHandler } from '../../jobs/inbound-webhook-handler.js';
import type { ProviderAdmin } from '../../routing/control-plane/provider-admin.js';
import type { OfferingAvailability } from '../../routing/control-plane/offering-availability.js';
import type { ControlPlane } from '../../routing/control-plane/control-plane.js';
import type { ProviderHealthService } from '../../routing/provider-health.js';
import type { GatewayMetrics } from '../../observability/gateway-metrics.js';
import type { AlertSink } from '../../observability/alert-sink.js';
import type { Database } from '../../store/database.js';
import type { JobEvents } from '../../jobs/job-events.js';
import type { GenerationRepository } from '../../store/repositories/generation-repository.js';
import type { AnalyticsRecorder } from '../../analytics/analytics-recorder.js';
import type { RolloutService } from '../../rollout/rollout-service.js';
import type { ReadinessProbe } from '../../observability/readiness-probe.js';
import type { ApiKeyCache } from '../../tenancy/api-key-cache.js';
import type { TenancyAdmin } from '../../tenancy/tenancy-admin.js';
import type { KeylessTenants } from '../../tenancy/keyless-tenants.js';
import type { RateLimitBackend } from './api-key-rate-limit.js';
import type { LedgerRepository } from '../../store/repositories/ledger-repository.js';
import type { UsageRepository } from '../../store/repositories/usage-repository.js';
import type { ChannelAdmin } from '../../tenancy/channel-admin.js';
import type { ChannelCache } from '../../tenancy/channel-cache.js';
import type { ChannelTester } from '../../relay/channel-tester.js';
import type { RelayService } from '../../relay/relay-service.js';
import type { TelegramWebhookReceiver } from '../../bot/telegram-webhook.js';

/**
 * Everything the HTTP layer may use; `createGateway` builds it, tests may build their own. Each
 * route takes a `Pick<>` of the fields it reads.
 */
export interface AppDependencies {
  config: Config;
  logger: Logger;
  jobs: JobService;
  assets: AssetStore;
  instances: ProviderInstances;
  router: Router;
  inboundWebhooks: InboundWebhookHandler;
  providerAdmin: ProviderAdmin;
  /** Offerings marked unavailable (retired models), shown and restored through the API. */
  offerings: OfferingAvailability;
  readiness: ReadinessProbe;
  database: Database;
  /** Job state changes in this process (and terminal ones from others, on PostgreSQL). */
  jobEvents: JobEvents;
  /** Jobs on the workers' pool (feedback rows). */
  generations: GenerationRepository;
  controlPlane: ControlPlane;
  health: ProviderHealthService;
  metrics: GatewayMetrics;
  alerts: AlertSink;
  analytics: AnalyticsRecorder;
  rollouts: RolloutService;
  /** Provider types known to this build (for `configured: false` entries in /api/health). */
  knownProviderTypes: readonly string[];
  /** The Standard Webhooks secret outbound webhooks are signed with (admin only). */
  webhookSecret: () => string;
  /** Checks presented API keys, from memory (auth mode). */
  apiKeys: Pick<ApiKeyCache, 'authenticate'>;
  /** The tenants keyless compatibility calls run as (`compat.keyless`). */
  keyless: Pick<KeylessTenants, 'accepts' | 'resolve'>;
  /** Tenants and keys for `/admin/tenants` and `/admin/keys`. */
  tenancy: TenancyAdmin;
  /** Where per-key request counts are kept (Redis or PostgreSQL), shared by every instance. */
  rateLimits: RateLimitBackend;
  /** Balances: `POST /admin/tenants/{id}/balance`. */
  ledger: Pick<LedgerRepository, 'credit' | 'funds'>;
  /** Spend reports: `/v1/usage`, `/admin/usage`. */
  usage: Pick<UsageRepository, 'report'>;
  /** Channels: `/admin/channels`, the relay routes, channel health. */
  channels: {
    cache: ChannelCache;
    admin: ChannelAdmin;
    tester: ChannelTester;
    relay: RelayService;
  };
  /** The Telegram bot's update receiver, when it runs in webhook mode. */
  telegramWebhook?: TelegramWebhookReceiver;
}
