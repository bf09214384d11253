import { describe, expect, it } from 'vitest';
import type { ImageInput, ProviderRequest } from '../../core/provider-adapter.js';
import { ProviderError } from '../../core/errors/index.js';
import {
  buildOpenAIImageRequest,
  costFromImageUsage,
  mapOpenAIImageResult,
} from './openai-image-request.js';
import { ModelOfferingSchema } from '../../core/model-capabilities.js';
import { dallE3SizeByAspectRatio, openaiModels } from './openai-models.js';

// DALL·E 3 left the catalog (OpenAI removed it on 2026-05-12); the request code still serves
// an operator's own DALL·E-style offering, so the tests build one as config would.
const dallE3 = ModelOfferingSchema.parse({
  modelKey: 'dall-e-3',
  providerModelId: 'dall-e-3',
  kind: 'image',
  displayName: 'DALL·E 3',
  qualityScore: 60,
  capabilities: {
    tasks: ['text-to-image'],
    sizes: [
      { width: 1024, height: 1024 },
      { width: 1792, height: 1024 },
      { width: 1024, height: 1792 },
    ],
    aspectRatios: Object.keys(dallE3SizeByAspectRatio),
    maxOutputs: 1,
    supportsSeed: false,
    supportsNegativePrompt: false,
    qualityTiers: ['standard', 'premium'],
    stylePresets: ['vivid', 'natural'],
  },
  qualitySettings: { standard: { quality: 'standard' }, premium: { quality: 'hd' } },
  // standard: $0.04 square, $0.08 wide; hd: $0.08 square, $0.12 wide.
  price: {
    type: 'per_image',
    usd: 0.04,
    bySize: { '1792x1024': 0.08, '1024x1792': 0.08 },
    byQuality: { standard: 0.04, premium: 0.08 },
    byQualityAndSize: { 'premium:1792x1024': 0.12, 'premium:1024x1792': 0.12 },
  },
});
const model = (key: string) =>
  key === 'dall-e-3' ? dallE3 : openaiModels.find((offering) => offering.modelKey === key)!;
const png = Buffer.from('89504e470d0a1a0a', 'hex');
const image = (name: string): ImageInput => ({
  url: `https://example.com/${name}.png`,
  read: async () => ({ data: png, mimeType: 'image/png' }),
});

function request(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return {
    kind: 'image',
    task: 'text-to-image',
    offering: model('gpt-image-2'),
    prompt: 'a fox',
    inputImages: [],
    n: 1,
    ...overrides,
  };
}

describe('buildOpenAIImageRequest', () => {
  it('should send a gpt-image-2 request as JSON with size and the tier mapped to quality', async () => {
    const call = await buildOpenAIImageRequest(
      request({ width: 1536, height: 1024, quality: 'premium', n: 3, user: 'u1' }),
      'openai',
    );
    expect(call.path).toBe('/images/generations');
    if (call.path !== '/images/generations') return;
    expect(call.json).toEqual({
      model: 'gpt-image-2',
      prompt: 'a fox',
      n: 3,
      size: '1536x1024',
      quality: 'high',
      user: 'u1',
    });
    expect(call.warnings).toEqual([]);
  });

  it('should map an aspect ratio to a size, default to a square, and default the tier to standard', async () => {
    const portrait = await buildOpenAIImageRequest(request({ aspectRatio: '2:3' }), 'openai');
    expect(portrait.size).toBe('1024x1536');
    const plain = await buildOpenAIImageRequest(request(), 'openai');
    expect(plain.path === '/images/generations' && plain.json).toMatchObject({
      size: '1024x1024',
      quality: 'medium',
    });
  });

  it('should warn when an explicit size contradicts the aspect ratio', async () => {
    const call = await buildOpenAIImageRequest(
      request({ width: 1024, height: 1024, aspectRatio: '3:2' }),
      'openai',
    );
    expect(call.size).toBe('1024x1024');
    expect(call.warnings).toEqual([
      expect.objectContaining({ code: 'parameter_ignored', parameter: 'aspect_ratio' }),
    ]);
  });

  it('should ask DALL·E 3 for base64 and pass hd quality and the style preset', async () => {
    const call = await buildOpenAIImageRequest(
      request({
        offering: model('dall-e-3'),
        width: 1792,
        height: 1024,
        quality: 'premium',
        style: 'natural',
      }),
      'openai',
    );
    expect(call.path === '/images/generations' && call.json).toEqual({
      model: 'dall-e-3',
      prompt: 'a fox',
      n: 1,
      size: '1792x1024',
      quality: 'hd',
      response_format: 'b64_json',
      style: 'natural',
    });
  });

  it('should refuse a tier DALL·E 3 does not have, retryably', async () => {
    const error = await buildOpenAIImageRequest(
      request({ offering: model('dall-e-3'), quality: 'fast' }),
      'openai',
    ).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'provider_invalid_request', isRetryable: true });
  });

  it('should send image-to-image and inpaint to the edits endpoint with files', async () => {
    const single = await buildOpenAIImageRequest(
      request({ task: 'inpaint', inputImages: [image('a')], mask: image('mask') }),
      'openai',
    );
    expect(single.path).toBe('/images/edits');
    if (single.path !== '/images/edits') return;
    expect(single.form.get('model')).toBe('gpt-image-2');
    expect(single.form.get('quality')).toBe('medium');
    expect(single.form.get('image')).toBeInstanceOf(Blob);
    expect(single.form.get('mask')).toBeInstanceOf(Blob);
    const several = await buildOpenAIImageRequest(
      request({ task: 'image-to-image', inputImages: [image('a'), image('b')] }),
      'openai',
    );
    expect(several.path === '/images/edits' && several.form.getAll('image[]')).toHaveLength(2);
  });
});

describe('costFromImageUsage', () => {
  it('should price gpt-image-2 usage at $5/M text in, $8/M image in, $30/M out', () => {
    expect(
      costFromImageUsage('gpt-image-2', {
        input_tokens: 335,
        input_tokens_details: { text_tokens: 12, image_tokens: 323 },
        output_tokens: 4160,
      }),
    ).toBeCloseTo(0.00006 + 0.002584 + 0.1248, 6);
  });

  it('should leave unknown models and missing usage to the catalog', () => {
    expect(costFromImageUsage('dall-e-3', { output_tokens: 100 })).toBeUndefined();
    expect(costFromImageUsage('gpt-image-1', { output_tokens: 100 })).toBeUndefined();
    expect(costFromImageUsage('gpt-image-2', undefined)).toBeUndefined();
  });
});

describe('mapOpenAIImageResult', () => {
  it('should decode base64 images with the output format and report the token cost', () => {
    const result = mapOpenAIImageResult('openai', request(), '1024x1024', {
      data: [{ b64_json: png.toString('base64') }],
      output_format: 'jpeg',
      usage: { input_tokens: 10, output_tokens: 272 },
    });
    expect(result.outputs).toEqual([
      { type: 'bytes', data: png, mimeType: 'image/jpeg', width: 1024, height: 1024 },
    ]);
    expect(result.usage?.costUsd).toBeCloseTo(0.00821, 6);
  });

  it('should report a revised prompt as a warning and accept URL answers', () => {
    const result = mapOpenAIImageResult(
      'openai',
      request({ offering: model('dall-e-3') }),
      '1024x1024',
      { data: [{ url: 'https://files.example/x.png', revised_prompt: 'a red fox at dawn' }] },
    );
    expect(result.outputs[0]).toMatchObject({ type: 'url', url: 'https://files.example/x.png' });
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'prompt_revised' })]);
    expect(result.usage).toBeUndefined();
  });

  it('should treat an answer without images as a bad response', () => {
    expect(() => mapOpenAIImageResult('openai', request(), '1024x1024', { data: [] })).toThrow(
      ProviderError,
    );
  });
});
