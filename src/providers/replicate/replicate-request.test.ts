import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../core/errors/index.js';
import { ModelOfferingSchema, type ModelOffering } from '../../core/model-capabilities.js';
import type { ProviderRequest } from '../../core/provider-adapter.js';
import { buildReplicateRequest, fluxSizeFor, replicateModelName } from './replicate-request.js';
import { replicateModels } from './replicate-models.js';

const offering = (key: string): ModelOffering =>
  replicateModels.find((model) => model.modelKey === key)!;

function request(key: string, overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  const model = offering(key);
  return {
    kind: model.kind,
    task: model.capabilities.tasks[0]!,
    offering: model,
    prompt: 'a lighthouse at dusk',
    inputImages: [],
    n: 1,
    ...overrides,
  };
}

describe('buildReplicateRequest', () => {
  it('should map a flux-schnell size to its aspect ratio and megapixels, as PNG', () => {
    const { input, warnings } = buildReplicateRequest(
      'replicate',
      request('flux-schnell', { width: 1344, height: 768, n: 3 }),
      [],
    );
    expect(input).toEqual({
      prompt: 'a lighthouse at dusk',
      num_outputs: 3,
      output_format: 'png',
      aspect_ratio: '16:9',
      megapixels: '1',
    });
    expect(warnings).toEqual([]);
  });

  it('should ask flux-schnell for 0.25 megapixels when the size is half the 1 MP size', () => {
    const { input } = buildReplicateRequest(
      'replicate',
      request('flux-schnell', { width: 384, height: 672 }),
      [],
    );
    expect(input).toMatchObject({ aspect_ratio: '9:16', megapixels: '0.25' });
  });

  it('should pass an aspect ratio alone and turn off the non-deterministic fast path when a seed is set', () => {
    const { input } = buildReplicateRequest(
      'replicate',
      request('flux-schnell', { aspectRatio: '21:9', seed: 42 }),
      [],
    );
    expect(input).toMatchObject({
      aspect_ratio: '21:9',
      megapixels: '1',
      seed: 42,
      go_fast: false,
    });
  });

  it('should warn when a flux aspect ratio contradicts the size, and use the size', () => {
    const { input, warnings } = buildReplicateRequest(
      'replicate',
      request('flux-schnell', { width: 1024, height: 1024, aspectRatio: '16:9' }),
      [],
    );
    expect(input.aspect_ratio).toBe('1:1');
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'unsupported_parameter', parameter: 'aspect_ratio' }),
    ]);
  });

  it('should cover every declared flux size with an aspect ratio', () => {
    for (const size of offering('flux-schnell').capabilities.sizes!)
      expect(fluxSizeFor(size.width, size.height)).toBeDefined();
    expect(fluxSizeFor(1000, 1000)).toBeUndefined();
  });

  it('should map haiper-v2 with frame_image_url and the prompt enhancer off', () => {
    const { input } = buildReplicateRequest(
      'replicate',
      request('haiper-v2', { duration: 6, aspectRatio: '1:1' }),
      ['data:image/png;base64,AAAA'],
    );
    expect(input).toEqual({
      prompt: 'a lighthouse at dusk',
      duration: 6,
      use_prompt_enhancer: false,
      aspect_ratio: '1:1',
      frame_image_url: 'data:image/png;base64,AAAA',
    });
  });

  it('should map kling-v1.6-pro start and end frames and the negative prompt, warning about the aspect ratio', () => {
    const { input, warnings } = buildReplicateRequest(
      'replicate',
      request('kling-v1.6-pro', { duration: 10, negativePrompt: 'blur', aspectRatio: '16:9' }),
      ['https://example.com/a.png', 'https://example.com/b.png'],
    );
    expect(input).toEqual({
      prompt: 'a lighthouse at dusk',
      duration: 10,
      start_image: 'https://example.com/a.png',
      end_image: 'https://example.com/b.png',
      negative_prompt: 'blur',
    });
    expect(warnings).toEqual([expect.objectContaining({ parameter: 'aspect_ratio' })]);
  });

  it('should refuse, retryably, what a model cannot take', () => {
    const tooMany = () =>
      buildReplicateRequest('replicate', request('haiper-v2', { duration: 4 }), [
        'https://a/1.png',
        'https://a/2.png',
      ]);
    expect(tooMany).toThrow(ProviderError);
    try {
      tooMany();
    } catch (error) {
      expect(error).toMatchObject({ code: 'provider_invalid_request', isRetryable: true });
    }
    expect(() =>
      buildReplicateRequest('replicate', request('kling-v1.6-pro', { duration: 5 }), []),
    ).toThrow(/start image/);
  });

  it('should use common field names for a model added in config', () => {
    const custom = ModelOfferingSchema.parse({
      modelKey: 'my-model',
      providerModelId: 'someone/some-model:0123abcd',
      kind: 'image',
      capabilities: { tasks: ['text-to-image'], sizeRange: { min: 256, max: 2048 }, maxOutputs: 4 },
      price: { type: 'per_image', usd: 0.01 },
    });
    const { input } = buildReplicateRequest(
      'replicate',
      {
        kind: 'image',
        task: 'text-to-image',
        offering: custom,
        prompt: 'p',
        inputImages: [],
        n: 2,
        width: 512,
        height: 768,
        seed: 1,
        negativePrompt: 'n',
      },
      [],
    );
    expect(input).toEqual({
      prompt: 'p',
      negative_prompt: 'n',
      seed: 1,
      width: 512,
      height: 768,
      num_outputs: 2,
    });
  });
});

describe('replicateModelName', () => {
  it('should drop a version suffix', () => {
    expect(replicateModelName('owner/name:abc123')).toBe('owner/name');
    expect(replicateModelName('kwaivgi/kling-v1.6-pro')).toBe('kwaivgi/kling-v1.6-pro');
  });
});
