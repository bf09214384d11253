import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigSchema, type Config } from './config-schema.js';
import { storageFromEnv } from './storage-config-schema.js';

/** Start-up stops with this error; its message names the offending field. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Renders zod issues as `path.to.field: message` lines. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string {
  return issues
    .map((issue) => {
      const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      return `  ${field || '(root)'}: ${issue.message}`;
    })
    .join('\n');
}

function numberFromEnv(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed))
    throw new ConfigError(`Invalid configuration:\n  ${name}: not a number ('${value}')`);
  return parsed;
}

async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `Cannot read SWITCHYARD_CONFIG file ${file}: ${(error as Error).message}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Cannot parse ${file}: ${(error as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`${file} must contain an object at the top level`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * Loads configuration: the optional file named by `SWITCHYARD_CONFIG` (JSON or YAML), then
 * environment variables on top. This is the only module that reads `process.env` for the
 * gateway itself; provider keys are read by the provider registry through `env` passed here.
 */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  const file = env.SWITCHYARD_CONFIG
    ? await readConfigFile(path.resolve(env.SWITCHYARD_CONFIG))
    : {};
  const merged: Record<string, unknown> = { ...file };
  const overrides: Record<string, unknown> = {
    port: numberFromEnv(env.PORT, 'PORT'),
    host: env.HOST || undefined,
    publicUrl: env.SWITCHYARD_PUBLIC_URL || undefined,
    dataDir: env.SWITCHYARD_DATA_DIR || undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    adminKey: env.SWITCHYARD_ADMIN_KEY || undefined,
    secretKey: env.SWITCHYARD_SECRET_KEY || undefined,
    logLevel: env.LOG_LEVEL || undefined,
    workers: env.SWITCHYARD_WORKERS
      ? !['false', '0', 'no', 'off'].includes(env.SWITCHYARD_WORKERS.toLowerCase())
      : undefined,
  };
  for (const [key, value] of Object.entries(overrides))
    if (value !== undefined) merged[key] = value;
  // The seed image service's names (S3) keep working.
  const routing = { ...(merged.routing as Record<string, unknown> | undefined) };
  // S3 called the Google provider `gemini`; GEMINI_API_KEY loads it as the instance `google`.
  const declared = Array.isArray(merged.providers) ? (merged.providers as { id?: unknown }[]) : [];
  const s3Provider = (name: string) =>
    name === 'gemini' && !declared.some((entry) => entry.id === 'gemini') ? 'google' : name;
  const primary = env.PRIMARY_IMAGE_PROVIDER ? s3Provider(env.PRIMARY_IMAGE_PROVIDER) : undefined;
  if (env.SERVICE_ROUTING_STRATEGY) routing.strategy = env.SERVICE_ROUTING_STRATEGY;
  if (primary) routing.primary = primary;
  if (env.FALLBACK_IMAGE_PROVIDERS) {
    const fallbacks = env.FALLBACK_IMAGE_PROVIDERS.split(',')
      .map((entry) => s3Provider(entry.trim()))
      .filter(Boolean);
    routing.chain = [...(primary ? [primary] : []), ...fallbacks];
  }
  if (Object.keys(routing).length) merged.routing = routing;
  if (env.SERVICE_HEALTH_CHECK_INTERVAL) {
    merged.health = {
      ...(merged.health as object | undefined),
      checkIntervalSeconds: numberFromEnv(
        env.SERVICE_HEALTH_CHECK_INTERVAL,
        'SERVICE_HEALTH_CHECK_INTERVAL',
      ),
    };
  }
  if (env.SWITCHYARD_ALERT_WEBHOOK_URL) {
    merged.alerts = {
      ...(merged.alerts as object | undefined),
      webhookUrl: env.SWITCHYARD_ALERT_WEBHOOK_URL,
    };
  }
  if (env.TELEGRAM_BOT_TOKEN || env.TELEGRAM_API_ROOT || env.TELEGRAM_BOT_MODE) {
    const telegram: Record<string, unknown> = { ...(merged.telegram as object | undefined) };
    if (env.TELEGRAM_BOT_TOKEN) telegram.botToken = env.TELEGRAM_BOT_TOKEN;
    if (env.TELEGRAM_API_ROOT) telegram.apiRoot = env.TELEGRAM_API_ROOT;
    if (env.TELEGRAM_BOT_MODE) telegram.mode = env.TELEGRAM_BOT_MODE;
    merged.telegram = telegram;
  }
  if (env.SWITCHYARD_WEBHOOK_SECRET) {
    merged.webhooks = {
      ...(merged.webhooks as object | undefined),
      secret: env.SWITCHYARD_WEBHOOK_SECRET,
    };
  }
  const storage = storageFromEnv(env, merged.storage, (message) => {
    throw new ConfigError(message);
  });
  if (storage) merged.storage = storage;
  return parseConfig(merged);
}

/** Validates an already-merged config object. */
export function parseConfig(input: unknown): Config {
  const result = ConfigSchema.safeParse(input);
  if (!result.success)
    throw new ConfigError(`Invalid configuration:\n${formatIssues(result.error.issues)}`);
  return result.data;
}
