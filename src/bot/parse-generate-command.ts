/** What `/image …` or `/video …` asks for, before the gateway checks it. */
export type GenerateCommand =
  | {
      status: 'ok';
      prompt: string;
      /** A catalog model the command named; absent: the configured default. */
      model?: string;
      /** Seconds (`5s`, `5`), videos only. */
      duration?: number;
    }
  | { status: 'invalid'; message: string };

const durationPattern = /^(\d{1,3}(?:\.\d+)?)s$/i;

/**
 * Parses the text after `/image` or `/video`: optional leading options in any order, then the
 * prompt. A duration is `5s`; a model is the first word that `isModel` recognises (so a prompt
 * that starts with an ordinary word is left alone).
 *
 * @example
 * parseGenerateCommand('5s sim-video a cat on a sofa', 'video', isModel)
 * // → { status: 'ok', duration: 5, model: 'sim-video', prompt: 'a cat on a sofa' }
 */
export function parseGenerateCommand(
  text: string,
  kind: 'image' | 'video',
  isModel: (word: string) => boolean,
): GenerateCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  let model: string | undefined;
  let duration: number | undefined;
  while (words.length > 0) {
    const word = words[0]!;
    const seconds = durationPattern.exec(word);
    if (seconds && duration === undefined) {
      if (kind === 'image')
        return { status: 'invalid', message: 'Images have no duration; drop the “s” option.' };
      duration = Number(seconds[1]);
    } else if (model === undefined && isModel(word)) {
      model = word;
    } else break;
    words.shift();
  }
  const prompt = words.join(' ');
  if (!prompt) {
    const example = kind === 'image' ? '/image a red balloon' : '/video 5s a cat on a sofa';
    return { status: 'invalid', message: `Tell me what to make, e.g. ${example}` };
  }
  return { status: 'ok', prompt, ...(model ? { model } : {}), ...(duration ? { duration } : {}) };
}
