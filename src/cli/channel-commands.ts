import type { Command } from 'commander';
import type { AdminClient } from './admin-client.js';
import { formatTable } from './format-table.js';

type Print = (value: unknown, human: () => string) => void;

interface ChannelView {
  id: string;
  type: string;
  name: string;
  groups: string[];
  base_url: string | null;
  keys: string[];
  models: string[];
  priority: number;
  weight: number;
  enabled: boolean;
  health: { keys_available: number; keys_set_aside: number };
}

interface TestView {
  channel: string;
  ok: boolean;
  latency_ms: number;
  error: string | null;
}

const list = (text: string) =>
  text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

const collect = (value: string, previous: string[] = []) => [...previous, value];

function integer(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`${flag} '${text}' is not a whole number`);
  return value;
}

/** `model=upstream,…` → a mapping. */
function mapping(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  const entries = list(text).map((pair) => {
    const [served, upstream] = pair.split('=');
    if (!served || !upstream) throw new Error(`--model-map '${pair}' is not model=upstream`);
    return [served.trim(), upstream.trim()] as const;
  });
  return Object.fromEntries(entries);
}

const line = (channel: ChannelView) =>
  `${channel.id} ${channel.name} (${channel.type}, groups ${channel.groups.join(',')}, ${channel.enabled ? 'enabled' : 'disabled'})`;

/**
 * `channels add|list|enable|disable|test` over `/admin/channels`. Keys go in once and are
 * shown back only as masked tails.
 *
 * @example
 * switchyard channels add --type runway --name runway-a --group vip --base-url https://api.dev.runwayml.com \
 *   --key "$RUNWAY_KEY_1" --key "$RUNWAY_KEY_2" --models runway --model-map runway=gen4_turbo --priority 10
 * switchyard channels list --json
 * switchyard channels disable chan_01j…
 * switchyard channels test chan_01j…
 */
export function registerChannelCommands(
  program: Command,
  client: () => AdminClient,
  print: Print,
): void {
  const channels = program
    .command('channels')
    .description('channels: provider instances per routing group');
  channels
    .command('add')
    .description('add a channel')
    .requiredOption('--type <type>', 'adapter type (runway, fal, …) or passthrough')
    .requiredOption('--name <name>', 'unique name')
    .option('--group <group>', 'routing group (repeatable)', collect)
    .option('--base-url <url>', 'upstream base URL')
    .requiredOption('--key <key>', 'upstream API key (repeatable: round-robin)', collect)
    .requiredOption('--models <models>', 'comma-separated models it serves')
    .option('--model-map <pairs>', 'comma-separated model=upstream-model pairs')
    .option('--priority <n>', 'priority tier (higher first)')
    .option('--weight <n>', 'share inside its tier')
    .option('--disabled', 'add it switched off')
    .action(
      async (options: {
        type: string;
        name: string;
        group?: string[];
        baseUrl?: string;
        key: string[];
        models: string;
        modelMap?: string;
        priority?: string;
        weight?: string;
        disabled?: boolean;
      }) => {
        const channel = await client().post<ChannelView>('/admin/channels', {
          type: options.type,
          name: options.name,
          groups: options.group,
          base_url: options.baseUrl,
          keys: options.key,
          models: list(options.models),
          model_mapping: mapping(options.modelMap),
          priority: integer('--priority', options.priority),
          weight: integer('--weight', options.weight),
          enabled: options.disabled ? false : undefined,
        });
        print(channel, () => line(channel));
      },
    );
  channels
    .command('list')
    .description('list channels (keys masked)')
    .option('--json', 'print raw JSON')
    .action(async (options: { json?: boolean }) => {
      const answer = await client().get<{ data: ChannelView[] }>('/admin/channels');
      const human = () =>
        formatTable(
          ['id', 'name', 'type', 'groups', 'models', 'priority', 'weight', 'enabled', 'keys'],
          answer.data.map((channel) => [
            channel.id,
            channel.name,
            channel.type,
            channel.groups.join(','),
            channel.models.join(','),
            channel.priority,
            channel.weight,
            channel.enabled ? 'yes' : 'no',
            `${channel.health.keys_available}/${channel.keys.length} ${channel.keys.join(' ')}`,
          ]),
        );
      if (options.json) print(answer, () => JSON.stringify(answer, null, 2));
      else print(answer, human);
    });
  for (const [command, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    channels
      .command(`${command} <id>`)
      .description(`${command} a channel (every instance obeys within a second)`)
      .action(async (id: string) => {
        const channel = await client().patch<ChannelView>(
          `/admin/channels/${encodeURIComponent(id)}`,
          { enabled },
        );
        print(channel, () => line(channel));
      });
  }
  channels
    .command('test <id>')
    .description("run the channel's cheap health check")
    .action(async (id: string) => {
      const result = await client().post<TestView>(
        `/admin/channels/${encodeURIComponent(id)}/test`,
      );
      print(result, () =>
        result.ok
          ? `${result.channel} ok (${result.latency_ms} ms)`
          : `${result.channel} failed: ${result.error ?? 'unknown error'}`,
      );
      if (!result.ok) process.exitCode = 1;
    });
}
