import { describe, expect, it } from 'vitest';
import { parseGenerateCommand } from './parse-generate-command.js';

const isModel = (word: string) => ['sim-video', 'sim-image'].includes(word);

describe('parseGenerateCommand', () => {
  it('should take a duration and a model before the prompt, in any order', () => {
    expect(parseGenerateCommand('5s sim-video a cat', 'video', isModel)).toEqual({
      status: 'ok',
      duration: 5,
      model: 'sim-video',
      prompt: 'a cat',
    });
    expect(parseGenerateCommand('sim-video 3s a cat', 'video', isModel)).toMatchObject({
      duration: 3,
      model: 'sim-video',
    });
  });

  it('should leave a prompt that starts with an ordinary word alone', () => {
    expect(parseGenerateCommand('  a red   balloon ', 'image', isModel)).toEqual({
      status: 'ok',
      prompt: 'a red balloon',
    });
  });

  it('should keep a second duration-like word in the prompt', () => {
    expect(parseGenerateCommand('4s 5s rockets', 'video', isModel)).toMatchObject({
      duration: 4,
      prompt: '5s rockets',
    });
  });

  it('should refuse an empty prompt and a duration on an image', () => {
    expect(parseGenerateCommand('5s', 'video', isModel)).toMatchObject({ status: 'invalid' });
    expect(parseGenerateCommand('', 'image', isModel)).toMatchObject({ status: 'invalid' });
    expect(parseGenerateCommand('5s a cat', 'image', isModel)).toMatchObject({
      status: 'invalid',
    });
  });
});
