// Seeded model builders draw torchvision's parameters: fixtures/random/vision_init.json (torchvision's resnet18,
// mobilenet_v2 and a small VisionTransformer after torch.manual_seed(0)), each float tensor's first values
// exactly and its sum, and the generator's stream after construction.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import { models } from '../src/index.js';

interface Case { name: string; kwargs: Record<string, number>; params: Record<string, { shape: number[]; head: number[]; sum: number }>; after: number[] }
const { cases } = JSON.parse(readFileSync(new URL('./fixtures/random/vision_init.json', import.meta.url), 'utf8')) as { cases: Case[] };

const build: Record<string, (kw: Record<string, number>) => { state_dict(): Record<string, torch.Tensor> }> = {
  resnet18: (kw) => models.resnet18(kw),
  mobilenet_v2: (kw) => models.mobilenet_v2(kw),
  VisionTransformer: (kw) => new models.VisionTransformer(kw as ConstructorParameters<typeof models.VisionTransformer>[0]),
};

const TRUNC_NORMAL = new Set(['conv_proj.weight']);

describe("seeded model builders draw torchvision's parameters", () => {
  for (const c of cases) {
    it(c.name, () => {
      torch.manual_seed(0);
      const sd = build[c.name]!(c.kwargs).state_dict();
      for (const [k, v] of Object.entries(c.params)) {
        expect(sd[k]?.shape, k).toEqual(v.shape);
        const data = Array.from(sd[k]!._contiguous_data() as ArrayLike<number>);
        const head = data.slice(0, v.head.length);
        // trunc_normal_ maps its uniform draws through erfinv, which PyTorch evaluates in float32 with glibc's
        // erff/expf/logf: the same draws, within two float32 ulps
        if (TRUNC_NORMAL.has(k)) head.forEach((x, i) => expect(Math.abs(x - v.head[i]!), k).toBeLessThanOrEqual(2.5e-7 * Math.abs(v.head[i]!)));
        else expect(head, k).toEqual(v.head);
        expect(data.reduce((a, b) => a + b, 0), k).toBeCloseTo(v.sum, 3);
      }
      expect(torch.rand(2).tolist(), 'the stream after').toEqual(c.after);
    });
  }
});
