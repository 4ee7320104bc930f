// The wasm backend against the js oracle: a conv layer and a SimpleNet forward + backward agree within rtol 1e-4.
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { models } from '@tsgrad/vision';
import { afterEach, describe, expect, it } from 'vitest';

const RTOL = 1e-4;
const ATOL = 1e-5;
const initial = torch.kernels().name;
afterEach(() => torch.set_backend(initial));

/** Output and every gradient of one forward + backward of `build()` on `backend`, as plain arrays by name. */
function run(backend: string, build: () => nn.Module, input_shape: number[], batch: number): Map<string, Float64Array> {
  torch.set_backend(backend);
  torch.manual_seed(0);
  const net = build();
  const x = torch.randn(input_shape).requires_grad_();
  const y = torch.randint(0, 2, [batch]);
  const out = net.call(x) as torch.Tensor;
  const loss = nn.functional.cross_entropy(out.view(batch, -1), y);
  loss.backward();
  const values = new Map<string, Float64Array>([['output', Float64Array.from(out.detach().flatten().tolist() as number[])]]);
  values.set('input.grad', Float64Array.from(x.grad!.flatten().tolist() as number[]));
  for (const [name, p] of net.named_parameters()) values.set(`${name}.grad`, Float64Array.from(p.grad!.flatten().tolist() as number[]));
  return values;
}

function expect_same(actual: Map<string, Float64Array>, expected: Map<string, Float64Array>): void {
  expect([...actual.keys()]).toEqual([...expected.keys()]);
  for (const [name, want] of expected) {
    const got = actual.get(name)!;
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) - RTOL * Math.abs(want[i]!));
    expect(worst, `${name}: |wasm - js| exceeds atol + rtol * |js| by`).toBeLessThanOrEqual(ATOL);
  }
}

describe.runIf(torch.list_backends().includes('wasm'))('wasm backend matches js', () => {
  it('64-channel 3x3 conv, padding 1, forward and backward', () => {
    const build = () => new nn.Conv2d(64, 64, 3, { padding: 1 });
    expect_same(run('wasm', build, [2, 64, 12, 12], 2), run('js', build, [2, 64, 12, 12], 2));
  });
  it('SimpleNet, batch 16, forward and backward', () => {
    const build = () => new models.SimpleNet({ final_relu: false });
    expect_same(run('wasm', build, [16, 1, 28, 28], 16), run('js', build, [16, 1, 28, 28], 16));
  });
});
