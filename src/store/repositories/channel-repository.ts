import { z } from 'zod';
import type { Database } from '../database.js';

const StringList = z.array(z.string());

const ChannelRowSchema = z.object({
  id: z.string(),
  type: z.string(),
  name: z.string(),
  groups: StringList,
  base_url: z.string().nullable(),
  keys_sealed: StringList,
  key_tails: StringList,
  models: StringList,
  model_mapping: z.record(z.string(), z.string()).nullable(),
  priority: z.number().int(),
  weight: z.number().int(),
  enabled: z.boolean(),
  created_at: z.coerce.date(),
  updated_at: z.coerce.date(),
});

/** A channel as stored: its keys sealed, never plaintext. */
export interface StoredChannel {
  id: string;
  type: string;
  name: string;
  groups: readonly string[];
  baseUrl: string | null;
  /** Sealed keys (see `ChannelKeyCipher`). */
  keysSealed: readonly string[];
  keyTails: readonly string[];
  models: readonly string[];
  modelMapping: Readonly<Record<string, string>> | null;
  priority: number;
  weight: number;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** The fields the admin API may change. */
export type ChannelChanges = Partial<Omit<StoredChannel, 'id' | 'createdAt' | 'updatedAt'>>;

function toChannel(input: unknown): StoredChannel {
  const row = ChannelRowSchema.parse(input);
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    groups: row.groups,
    baseUrl: row.base_url,
    keysSealed: row.keys_sealed,
    keyTails: row.key_tails,
    models: row.models,
    modelMapping: row.model_mapping,
    priority: row.priority,
    weight: row.weight,
    enabled: row.enabled,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const columns: Record<keyof ChannelChanges, string> = {
  type: 'type',
  name: 'name',
  groups: 'groups',
  baseUrl: 'base_url',
  keysSealed: 'keys_sealed',
  keyTails: 'key_tails',
  models: 'models',
  modelMapping: 'model_mapping',
  priority: 'priority',
  weight: 'weight',
  enabled: 'enabled',
};
const jsonColumns = new Set(['groups', 'keys_sealed', 'key_tails', 'models', 'model_mapping']);

function columnValue(column: string, value: unknown): unknown {
  return jsonColumns.has(column) && value !== null ? JSON.stringify(value) : value;
}

/** Typed access to `channels`; the table's trigger NOTIFYs every change. */
export class ChannelRepository {
  constructor(private readonly database: Database) {}

  /** Inserts a channel; undefined when the name is taken. */
  async insert(
    channel: Omit<StoredChannel, 'createdAt' | 'updatedAt'>,
  ): Promise<StoredChannel | undefined> {
    const entries = Object.entries(columns) as [keyof ChannelChanges, string][];
    const names = ['id', ...entries.map(([, column]) => column)];
    const values = [
      channel.id,
      ...entries.map(([field, column]) => columnValue(column, channel[field])),
    ];
    const { rows } = await this.database.query(
      `INSERT INTO channels (${names.join(', ')})
       VALUES (${names.map((_, index) => `$${index + 1}`).join(', ')})
       ON CONFLICT (name) DO NOTHING RETURNING *`,
      values,
    );
    return rows[0] ? toChannel(rows[0]) : undefined;
  }

  async list(): Promise<StoredChannel[]> {
    const { rows } = await this.database.query('SELECT * FROM channels ORDER BY id');
    return rows.map(toChannel);
  }

  /** By id or by name. */
  async find(idOrName: string): Promise<StoredChannel | undefined> {
    const { rows } = await this.database.query(
      'SELECT * FROM channels WHERE id = $1 OR name = $1 LIMIT 1',
      [idOrName],
    );
    return rows[0] ? toChannel(rows[0]) : undefined;
  }

  /** Applies the changes; undefined when the channel does not exist. */
  async update(id: string, changes: ChannelChanges): Promise<StoredChannel | undefined> {
    const assignments: string[] = [];
    const values: unknown[] = [id];
    for (const [field, column] of Object.entries(columns) as [keyof ChannelChanges, string][]) {
      if (changes[field] === undefined) continue;
      values.push(columnValue(column, changes[field]));
      assignments.push(`${column} = $${values.length}`);
    }
    const { rows } = await this.database.query(
      `UPDATE channels SET ${[...assignments, 'updated_at = now()'].join(', ')}
       WHERE id = $1 RETURNING *`,
      values,
    );
    return rows[0] ? toChannel(rows[0]) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    const { rowCount } = await this.database.query('DELETE FROM channels WHERE id = $1', [id]);
    return rowCount > 0;
  }
}
