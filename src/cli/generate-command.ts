import type { Command } from 'commander';
import type { JobResource } from '../api/job-resource-schema.js';
import type { AdminClient } from './admin-client.js';
import { followJob, parseJob } from './follow-job.js';
import {
  addGenerationOptions,
  generationBody,
  type GenerationFlags,
} from './generation-options.js';
import { assertJobSucceeded } from './job-ended-error.js';
import { JobProgress } from './job-progress.js';
import { saveOutputs, type SavedFile } from './save-outputs.js';

type Print = (value: unknown, human: () => string) => void;

/**
 * `generate`: uploads local input images, creates the job, follows it with a progress line on
 * stderr, downloads the outputs to `--out` and prints their paths (or `{ job, files }` with
 * `--json`).
 *
 * @example
 * switchyard generate --model flux-schnell --prompt 'a red balloon' --size 1024x768 --out art/
 * switchyard generate --model sim-video --prompt 'waves' --duration 5 --image still.png
 */
export function registerGenerateCommand(
  program: Command,
  client: () => AdminClient,
  print: Print,
): void {
  addGenerationOptions(
    program
      .command('generate')
      .description('generate an image or video, wait for it and download the outputs'),
  )
    .option('--out <path>', 'file or directory for the outputs (default: current directory)', '.')
    .addHelpText(
      'after',
      `
Progress goes to stderr (one updating line on a terminal, plain lines otherwise); stdout gets
one saved path per line, or with --json { job, files }. Ctrl-C stops waiting, not the job.

Examples:
  switchyard generate --model sim-image --prompt 'a red balloon' --size 512x512 --out art/
  switchyard generate --model sim-video --prompt 'waves' --duration 5 --resolution 720p \\
    --image ./still.png --out waves.mp4
  switchyard --json generate --model sim-image --prompt 'a fox' | jq -r '.files[0].path'`,
    )
    .action(async (flags: GenerationFlags & { out: string }) => {
      const api = client();
      const body = await generationBody(api, flags, { upload: true });
      const created = parseJob(await api.post('/v1/generations', body));
      const progress = new JobProgress(process.stderr);
      // An interrupt leaves the job running on the gateway; say how to pick it up again.
      const onInterrupt = () => {
        if (progress.lineOpen) process.stderr.write('\n');
        process.stderr.write(
          `switchyard: stopped waiting; ${created.id} continues (switchyard jobs watch ${created.id})\n`,
        );
        process.exit(130);
      };
      process.once('SIGINT', onInterrupt);
      let job: JobResource;
      try {
        job = await followJob(api, created, progress);
      } finally {
        process.off('SIGINT', onInterrupt);
      }
      const files: SavedFile[] =
        job.status === 'succeeded' ? await saveOutputs(api, job, flags.out) : [];
      // A script reading --json gets the failed job too; a person gets only the error line.
      if (job.status === 'succeeded' || program.opts<{ json?: boolean }>().json)
        print({ job, files }, () => files.map((file) => file.path).join('\n'));
      assertJobSucceeded(job);
    });
}
