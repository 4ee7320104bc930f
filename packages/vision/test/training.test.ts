// Data-driven SimpleNet training runs against real PyTorch (fixtures/training.json, kind 'train').
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { models } from '@tsgrad/vision';
import { describe, expect, it } from 'vitest';
import { expect_tensor, load_fixture_with_variants, T, type TensorJSON } from './fixture_utils.js';

interface TrainCase {
  name: string;
  kind: string;
  input: TensorJSON;
  target: TensorJSON;
  steps: number;
  optimizer: { type: 'SGD' | 'Adam'; lr: number; momentum?: number; dampening?: number; weight_decay?: number; nesterov?: boolean; betas?: [number, number]; eps?: number; amsgrad?: boolean };
  losses: number[];
  loss_after_training: number;
  first_step_grads: Record<string, TensorJSON> | null;
  final_param_digest: Record<string, TensorJSON['digest']>;
  final_state_dict?: Record<string, TensorJSON> | null;
}
interface Fixture {
  model?: models.ModelSpec;
  state_dict: Record<string, TensorJSON>;
  cases: TrainCase[];
}

const fixtures = load_fixture_with_variants<Fixture>(new URL('./fixtures/training.json', import.meta.url));

function make_optimizer(c: TrainCase, params: Iterable<torch.Tensor>): nn.optim.Optimizer<never> {
  const { type, ...hp } = c.optimizer;
  if (type === 'SGD') return new nn.optim.SGD(params, hp) as unknown as nn.optim.Optimizer<never>;
  if (type === 'Adam') return new nn.optim.Adam(params, hp) as unknown as nn.optim.Optimizer<never>;
  throw new Error(`unknown optimizer ${String(type)}`);
}

for (const [file, fixture] of fixtures) describe(file, () => {
  for (const c of fixture.cases.filter((k) => k.kind === 'train')) {
    it(`train: ${c.name}`, () => {
      const net = models.from_spec(fixture.model ?? { type: 'SimpleNet' });
      net.load_state_dict(Object.fromEntries(Object.entries(fixture.state_dict).map(([k, v]) => [k, T(v)])));
      const opt = make_optimizer(c, net.parameters());
      const crit = new nn.CrossEntropyLoss();
      const x = T(c.input);
      const y = T(c.target);
      const losses: number[] = [];
      for (let step = 0; step < c.steps; step++) {
        opt.zero_grad();
        const loss = crit.call(net.call(x), y);
        loss.backward();
        if (step === 0 && c.first_step_grads !== null) {
          for (const [name, p] of net.named_parameters()) expect_tensor(p.grad, c.first_step_grads[name]!, `${name}.grad`, 1e-3, 1e-6);
        }
        opt.step();
        losses.push(loss.item());
      }
      losses.forEach((l, i) => expect(Math.abs(l - c.losses[i]!) <= 1e-4 * Math.abs(c.losses[i]!), `loss ${i}: ${l} vs ${c.losses[i]}`).toBe(true));
      const after = torch.no_grad(() => crit.call(net.call(x), y)).item();
      expect(Math.abs(after - c.loss_after_training) <= 1e-4 * Math.abs(c.loss_after_training), `loss after training ${after}`).toBe(true);
      for (const [name, p] of net.named_parameters()) {
        expect_tensor(p, { shape: p.shape, digest: c.final_param_digest[name]! }, `final ${name}`, 1e-3, 1e-5);
        const full = c.final_state_dict?.[name];
        if (full) expect_tensor(p, full, `final ${name}`, 0, 1e-5);
      }
    });
  }
});
