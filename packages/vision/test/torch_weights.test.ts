// Weights written by PyTorch load unchanged into @tsgrad/vision's models and give torchvision's eval logits
// within 1e-4 relative: a small ViT always (fixtures/torch_weights, from make_torch_weights.py), and resnet18 /
// mobilenet_v2 when TSGRAD_TORCH_WEIGHTS names a folder the script filled with --all (45 MB: not committed).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { models } from '@tsgrad/vision';

const HERE = fileURLToPath(new URL('./fixtures/torch_weights', import.meta.url));
const BIG = process.env.TSGRAD_TORCH_WEIGHTS;

const CASES: { name: string; dir: string | undefined; build: () => nn.Module }[] = [
  {
    name: 'vit_small', dir: HERE,
    build: () => new models.VisionTransformer({ image_size: 32, patch_size: 8, num_layers: 2, num_heads: 2, hidden_dim: 32, mlp_dim: 64, num_classes: 10 }),
  },
  { name: 'resnet18', dir: BIG, build: () => models.resnet18({ num_classes: 10 }) },
  { name: 'mobilenet_v2', dir: BIG, build: () => models.mobilenet_v2({ num_classes: 10 }) },
];

describe('torchvision weights saved by PyTorch as safetensors', () => {
  for (const c of CASES) {
    const present = c.dir !== undefined && existsSync(join(c.dir, `${c.name}.safetensors`));
    it.skipIf(!present)(`${c.name}: every key loads strictly and the eval logits match`, () => {
      const net = c.build();
      const state = nn.load_file(join(c.dir!, `${c.name}.safetensors`));
      const result = net.load_state_dict(state);
      expect(result.missing_keys).toEqual([]);
      expect(result.unexpected_keys).toEqual([]);
      expect(Object.keys(net.state_dict()).sort()).toEqual(Object.keys(state).sort());
      net.eval();
      const io = nn.load_file(join(c.dir!, `${c.name}_io.safetensors`));
      const y = torch.no_grad(() => net.call(io.x!) as torch.Tensor);
      expect(y.shape).toEqual(io.y!.shape);
      const scale = io.y!.abs().max().item();
      expect(scale).toBeGreaterThan(0);
      expect(y.sub(io.y!).abs().max().item() / scale).toBeLessThan(1e-4);
    });
  }
});
