import { type Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { JobResourceSchema, type JobResource } from '../api/job-resource-schema.js';
import { isTerminal, JobStatus } from '../core/job.js';
import type { AdminClient } from './admin-client.js';
import { followJob, parseJob } from './follow-job.js';
import { assertJobSucceeded } from './job-ended-error.js';
import { formatTable } from './format-table.js';
import { JobProgress } from './job-progress.js';

type Print = (value: unknown, human: () => string) => void;

const JobPageSchema = z.object({
  data: z.array(JobResourceSchema),
  next_cursor: z.string().nullable(),
  has_more: z.boolean(),
});

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new InvalidArgumentError(`'${value}' is not a whole number from 1 to 100`);
  return limit;
}

function parseStatus(value: string): JobStatus {
  const statuses = Object.values(JobStatus);
  const status = statuses.find((candidate) => candidate === value);
  if (!status) throw new InvalidArgumentError(`'${value}' is not one of ${statuses.join(', ')}`);
  return status;
}

const jobPath = (id: string) => `/v1/generations/${encodeURIComponent(id)}`;

/** A job as `key value` lines for people. */
export function describeJob(job: JobResource): string {
  const cost = job.cost.actual_usd ?? job.cost.estimated_usd;
  const lines: [string, string | number | null][] = [
    ['id', job.id],
    [
      'status',
      job.progress !== null && !isTerminal(job.status)
        ? `${job.status} ${Math.round(job.progress * 100)}%`
        : job.status,
    ],
    ['model', `${job.model} (${job.kind}, ${job.task})`],
    ['provider', job.provider],
    ['prompt', job.prompt],
    [
      'cost usd',
      cost === null ? null : `${cost}${job.cost.actual_usd === null ? ' (estimate)' : ''}`,
    ],
    ['created', job.created_at],
    ['completed', job.completed_at],
  ];
  if (job.error) lines.push(['error', `${job.error.code}: ${job.error.message}`]);
  for (const warning of job.warnings)
    lines.push(['warning', `${warning.code}: ${warning.message}`]);
  for (const output of job.outputs) lines.push(['output', `${output.url} (${output.mime_type})`]);
  return lines.map(([key, value]) => `${key.padEnd(10)} ${value ?? '-'}`).join('\n');
}

/**
 * `jobs list|get|cancel|watch` over `/v1/generations`.
 *
 * @example
 * switchyard jobs list --status running
 * switchyard jobs watch gen_01j…
 */
export function registerJobCommands(
  program: Command,
  client: () => AdminClient,
  print: Print,
): void {
  const jobs = program.command('jobs').description('generation jobs (GET /v1/generations)');
  jobs
    .command('list')
    .description('recent jobs, newest first')
    .option(
      '--status <status>',
      `only jobs in this state (${Object.values(JobStatus).join(', ')})`,
      parseStatus,
    )
    .option('--user <user>', 'only jobs made for this end user')
    .option('--limit <n>', 'how many (1-100, default 20)', parseLimit)
    .option('--cursor <cursor>', 'next page, from the previous answer')
    .addHelpText('after', '\nExample:\n  switchyard jobs list --status failed --limit 5')
    .action(
      async (options: { status?: string; user?: string; limit?: number; cursor?: string }) => {
        const query = new URLSearchParams();
        for (const [name, value] of Object.entries(options))
          if (value !== undefined) query.set(name, String(value));
        const suffix = query.size ? `?${query}` : '';
        const page = JobPageSchema.parse(await client().get(`/v1/generations${suffix}`));
        print(page, () =>
          [
            formatTable(
              ['id', 'status', 'model', 'provider', 'cost usd', 'created'],
              page.data.map((job) => [
                job.id,
                job.status,
                job.model,
                job.provider,
                job.cost.actual_usd ?? job.cost.estimated_usd,
                job.created_at,
              ]),
            ),
            ...(page.next_cursor ? [`more: --cursor ${page.next_cursor}`] : []),
          ].join('\n'),
        );
      },
    );
  jobs
    .command('get <id>')
    .description('one job with its status, cost, error and outputs')
    .addHelpText('after', '\nExample:\n  switchyard jobs get gen_01jx2m4k7p')
    .action(async (id: string) => {
      const job = parseJob(await client().get(jobPath(id)));
      print(job, () => describeJob(job));
    });
  jobs
    .command('cancel <id>')
    .description('cancel a job that has not ended')
    .addHelpText('after', '\nExample:\n  switchyard jobs cancel gen_01jx2m4k7p')
    .action(async (id: string) => {
      const job = parseJob(await client().post(`${jobPath(id)}/cancel`));
      print(job, () => `${job.id} ${job.status}`);
    });
  jobs
    .command('watch <id>')
    .description('follow a job until it ends; exits 1 when it fails or is canceled')
    .addHelpText('after', '\nExample:\n  switchyard jobs watch gen_01jx2m4k7p')
    .action(async (id: string) => {
      const api = client();
      const job = await followJob(
        api,
        parseJob(await api.get(jobPath(id))),
        new JobProgress(process.stderr),
      );
      print(job, () => describeJob(job));
      assertJobSucceeded(job);
    });
}
