import { z } from 'zod';
import type { Database } from '../database.js';

const RelayTaskRowSchema = z.object({
  model: z.string(),
  upstream_task_id: z.string(),
  channel_id: z.string(),
  tenant_id: z.string().nullable(),
});

/** An upstream task created through a relay route: which channel took it, for whom. */
export interface RelayTask {
  /** The relay family (`runway`, `kling`, `pika`). */
  model: string;
  upstreamTaskId: string;
  channelId: string;
  /** The creating tenant; null in open mode or with the admin key. */
  tenantId: string | null;
}

/** Typed access to `relay_tasks`. */
export class RelayTaskRepository {
  constructor(private readonly database: Database) {}

  /** Records a task; a second record of the same id keeps the first (an upstream reusing ids). */
  async record(task: RelayTask): Promise<void> {
    await this.database.query(
      `INSERT INTO relay_tasks (model, upstream_task_id, channel_id, tenant_id)
       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [task.model, task.upstreamTaskId, task.channelId, task.tenantId],
    );
  }

  async find(model: string, upstreamTaskId: string): Promise<RelayTask | undefined> {
    const { rows } = await this.database.query(
      'SELECT * FROM relay_tasks WHERE model = $1 AND upstream_task_id = $2',
      [model, upstreamTaskId],
    );
    if (!rows[0]) return undefined;
    const row = RelayTaskRowSchema.parse(rows[0]);
    return {
      model: row.model,
      upstreamTaskId: row.upstream_task_id,
      channelId: row.channel_id,
      tenantId: row.tenant_id,
    };
  }
}
