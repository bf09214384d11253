import { isIP } from 'node:net';

/** A zod-style issue as Runway lists them under `issues`. */
export interface RunwayIssue {
  code: string;
  path: (string | number)[];
  message: string;
}

const gen4TurboRatios = ['1280:720', '720:1280', '1104:832', '832:1104', '960:960', '1584:672'];
const gen4ImageRatios = [
  '1024:1024',
  '1080:1080',
  '1168:880',
  '1360:768',
  '1440:1080',
  '1080:1440',
  '1808:768',
  '1920:1080',
  '1080:1920',
  '2112:912',
  '1280:720',
  '720:1280',
  '720:720',
  '960:720',
  '720:960',
  '1680:720',
];

/** Runway's asset rules: an HTTPS URL naming a domain, or a base64 data URI. */
function assetIssue(value: unknown, path: (string | number)[]): RunwayIssue | undefined {
  if (typeof value !== 'string') return { code: 'invalid_type', path, message: 'Expected string' };
  if (/^data:image\/(png|jpeg|webp|gif);base64,/.test(value)) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:')
      return { code: 'custom', path, message: 'Only HTTPS URLs are allowed.' };
    if (isIP(url.hostname.replace(/^\[|\]$/g, '')))
      return { code: 'custom', path, message: 'URLs must be hosted on a domain.' };
    return undefined;
  } catch {
    return { code: 'custom', path, message: 'Invalid URL' };
  }
}

/**
 * Checks a task body the way Runway's schema does for gen4_turbo and gen4_image (the models
 * the adapter ships) and prices it in credits: gen4_turbo 5 per second, gen4_image 5 at 720p
 * and 8 at 1080p.
 */
export function validateRunwayTask(
  path: string,
  body: Record<string, unknown>,
): { issues: RunwayIssue[]; credits: number } {
  const issues: RunwayIssue[] = [];
  const { model, promptText, ratio, seed } = body;
  if (
    promptText !== undefined &&
    (typeof promptText !== 'string' || promptText.length === 0 || promptText.length > 1000)
  ) {
    issues.push({
      code: 'too_big',
      path: ['promptText'],
      message: 'promptText must be 1 to 1000 characters',
    });
  }
  if (
    seed !== undefined &&
    (!Number.isInteger(seed) || (seed as number) < 0 || (seed as number) > 4_294_967_295)
  ) {
    issues.push({
      code: 'invalid_type',
      path: ['seed'],
      message: 'seed must be an integer from 0 to 4294967295',
    });
  }
  if (path === '/v1/image_to_video' && model === 'gen4_turbo') {
    const image = body.promptImage;
    const issue = Array.isArray(image)
      ? assetIssue((image[0] as { uri?: unknown } | undefined)?.uri, ['promptImage', 0, 'uri'])
      : assetIssue(image, ['promptImage']);
    if (issue) issues.push(issue);
    if (!gen4TurboRatios.includes(ratio as string))
      issues.push(enumIssue('ratio', gen4TurboRatios, ratio));
    const duration = body.duration ?? 5;
    if (!Number.isInteger(duration) || (duration as number) < 2 || (duration as number) > 10) {
      issues.push({
        code: 'invalid_type',
        path: ['duration'],
        message: 'duration must be an integer from 2 to 10',
      });
    }
    return { issues, credits: 5 * Number(duration) };
  }
  if (path === '/v1/text_to_image' && model === 'gen4_image') {
    if (typeof promptText !== 'string')
      issues.push({ code: 'invalid_type', path: ['promptText'], message: 'Required' });
    if (!gen4ImageRatios.includes(ratio as string))
      issues.push(enumIssue('ratio', gen4ImageRatios, ratio));
    const references = body.referenceImages;
    if (references !== undefined) {
      if (!Array.isArray(references) || references.length > 3) {
        issues.push({
          code: 'too_big',
          path: ['referenceImages'],
          message: 'referenceImages must have at most 3 items',
        });
      } else {
        references.forEach((reference: { uri?: unknown }, index) => {
          const issue = assetIssue(reference?.uri, ['referenceImages', index, 'uri']);
          if (issue) issues.push(issue);
        });
      }
    }
    const [width, height] = String(ratio).split(':').map(Number) as [number, number];
    return { issues, credits: Math.min(width, height) <= 720 ? 5 : 8 };
  }
  issues.push(
    enumIssue('model', path === '/v1/text_to_image' ? ['gen4_image'] : ['gen4_turbo'], model),
  );
  return { issues, credits: 0 };
}

function enumIssue(field: string, allowed: readonly string[], received: unknown): RunwayIssue {
  return {
    code: 'invalid_enum_value',
    path: [field],
    message: `Invalid enum value. Expected ${allowed.map((value) => `'${value}'`).join(' | ')}, received '${String(received)}'`,
  };
}
