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

/** The environment variable behind each top-level key `loadConfig` reads from `env`. */
const environmentNames = {
  port: 'PORT',
  host: 'HOST',
  publicUrl: 'SWITCHYARD_PUBLIC_URL',
  trustProxy: 'SWITCHYARD_TRUST_PROXY',
  dataDir: 'SWITCHYARD_DATA_DIR',
  databaseUrl: 'DATABASE_URL',
  databasePreparedStatements: 'SWITCHYARD_DB_PREPARED_STATEMENTS',
  redisUrl: 'REDIS_URL',
  adminKey: 'SWITCHYARD_ADMIN_KEY',
  secretKey: 'SWITCHYARD_SECRET_KEY',
  logLevel: 'LOG_LEVEL',
  workers: 'SWITCHYARD_WORKERS',
} as const;

const trueWords = ['true', '1', 'yes', 'on'];
const falseWords = ['false', '0', 'no', 'off'];

/** A switch from the environment; anything but the documented words stops start-up. */
function booleanFromEnv(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  const word = value.trim().toLowerCase();
  if (trueWords.includes(word)) return true;
  if (falseWords.includes(word)) return false;
  throw new ConfigError(
    `Invalid configuration:\n  ${name}: expected one of ${[...trueWords, ...falseWords].join(', ')} ('${value}')`,
  );
}

/** `SWITCHYARD_TRUST_PROXY`: a switch, or the proxies' addresses/CIDRs (comma-separated). */
function trustProxyFromEnv(value: string | undefined): boolean | string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const word = value.trim().toLowerCase();
  if (trueWords.includes(word) || falseWords.includes(word))
    return booleanFromEnv(value, 'SWITCHYARD_TRUST_PROXY');
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .join(',');
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
    trustProxy: trustProxyFromEnv(env.SWITCHYARD_TRUST_PROXY),
    dataDir: env.SWITCHYARD_DATA_DIR || undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    databasePreparedStatements: numberFromEnv(
      env.SWITCHYARD_DB_PREPARED_STATEMENTS,
      'SWITCHYARD_DB_PREPARED_STATEMENTS',
    ),
    redisUrl: env.REDIS_URL || undefined,
    adminKey: env.SWITCHYARD_ADMIN_KEY || undefined,
    secretKey: env.SWITCHYARD_SECRET_KEY || undefined,
    logLevel: env.LOG_LEVEL || undefined,
    workers: booleanFromEnv(env.SWITCHYARD_WORKERS, 'SWITCHYARD_WORKERS'),
  };
  // Errors name what the user set: the variable, not the config key it fills.
  const sources: Record<string, string> = {};
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    merged[key] = value;
    sources[key] = environmentNames[key as keyof typeof environmentNames];
  }
  // The seed image service's names (S3) keep working.
  const routing = { ...(merged.routing as Record<string, unknown> | undefined) };
  // S3 called the Google provider `gemini`; GEMINI_API_KEY loads it as the instance `google`.
  const declared = Array.isArray(merged.providers) ? (merged.providers as { id?: unknown }[]) : [];
  const s3Provider = (name: string) =>
    name === 'gemini' && !declared.some((entry) => entry.id === 'gemini') ? 'google' : name;
  const primary = env.PRIMARY_IMAGE_PROVIDER ? s3Provider(env.PRIMARY_IMAGE_PROVIDER) : undefined;
  if (env.SERVICE_ROUTING_STRATEGY) {
    routing.strategy = env.SERVICE_ROUTING_STRATEGY;
    sources['routing.strategy'] = 'SERVICE_ROUTING_STRATEGY';
  }
  if (primary) {
    routing.primary = primary;
    sources['routing.primary'] = 'PRIMARY_IMAGE_PROVIDER';
  }
  if (env.FALLBACK_IMAGE_PROVIDERS) {
    sources['routing.chain'] = 'FALLBACK_IMAGE_PROVIDERS';
    const fallbacks = env.FALLBACK_IMAGE_PROVIDERS.split(',')
      .map((entry) => s3Provider(entry.trim()))
      .filter(Boolean);
    routing.chain = [...(primary ? [primary] : []), ...fallbacks];
  }
  if (Object.keys(routing).length) merged.routing = routing;
  if (env.SERVICE_HEALTH_CHECK_INTERVAL) {
    sources['health.checkIntervalSeconds'] = 'SERVICE_HEALTH_CHECK_INTERVAL';
    merged.health = {
      ...(merged.health as object | undefined),
      checkIntervalSeconds: numberFromEnv(
        env.SERVICE_HEALTH_CHECK_INTERVAL,
        'SERVICE_HEALTH_CHECK_INTERVAL',
      ),
    };
  }
  if (env.SWITCHYARD_ALERT_WEBHOOK_URL) {
    sources['alerts.webhookUrl'] = 'SWITCHYARD_ALERT_WEBHOOK_URL';
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
    if (env.TELEGRAM_BOT_TOKEN) sources['telegram.botToken'] = 'TELEGRAM_BOT_TOKEN';
    if (env.TELEGRAM_API_ROOT) sources['telegram.apiRoot'] = 'TELEGRAM_API_ROOT';
    if (env.TELEGRAM_BOT_MODE) sources['telegram.mode'] = 'TELEGRAM_BOT_MODE';
    merged.telegram = telegram;
  }
  if (env.SWITCHYARD_S1_ALLOW_REQUEST_API_KEY) {
    const compat = { ...(merged.compat as Record<string, unknown> | undefined) };
    compat.s1 = {
      ...(compat.s1 as object | undefined),
      allowRequestApiKey: booleanFromEnv(
        env.SWITCHYARD_S1_ALLOW_REQUEST_API_KEY,
        'SWITCHYARD_S1_ALLOW_REQUEST_API_KEY',
      ),
    };
    merged.compat = compat;
  }
  if (env.SWITCHYARD_WEBHOOK_SECRET) {
    sources['webhooks.secret'] = 'SWITCHYARD_WEBHOOK_SECRET';
    merged.webhooks = {
      ...(merged.webhooks as object | undefined),
      secret: env.SWITCHYARD_WEBHOOK_SECRET,
    };
  }
  const storage = storageFromEnv(env, merged.storage, (message) => {
    throw new ConfigError(message);
  });
  if (storage) merged.storage = storage;
  return parseConfig(merged, sources);
}

/** Which environment variable set which config key, per loaded config. */
const configSources = new WeakMap<Config, Readonly<Record<string, string>>>();

/**
 * How to name a setting to the user: the environment variable that set `key` (`routing.primary`
 * → `PRIMARY_IMAGE_PROVIDER`), or the config key itself.
 */
export function settingName(config: Config, key: string): string {
  return sourceOf(configSources.get(config) ?? {}, key) ?? key;
}

/** The variable that set `key` or the object holding it (the longest matching prefix). */
function sourceOf(sources: Readonly<Record<string, string>>, key: string): string | undefined {
  const prefix = Object.keys(sources)
    .filter((candidate) => key === candidate || key.startsWith(`${candidate}.`))
    .sort((left, right) => right.length - left.length)[0];
  return prefix === undefined ? undefined : sources[prefix];
}

/**
 * Validates an already-merged config object; `sources` maps config keys to the environment
 * variables that set them, so errors name the variable.
 */
export function parseConfig(input: unknown, sources: Record<string, string> = {}): Config {
  const result = ConfigSchema.safeParse(input);
  if (!result.success) {
    const renamed = result.error.issues.map((issue) => {
      const source = sourceOf(sources, issue.path.map(String).join('.'));
      return source ? { ...issue, path: [source] } : issue;
    });
    throw new ConfigError(`Invalid configuration:\n${formatIssues(renamed)}`);
  }
  configSources.set(result.data, sources);
  return result.data;
}
