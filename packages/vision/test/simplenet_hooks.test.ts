// Data-driven checks of SimpleNet / Sequential hook runs against real PyTorch (fixtures/simplenet_hooks.json).
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { models } from '@tsgrad/vision';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expect_tensor, load_fixture_with_variants, name_2x, T, type TensorJSON } from './fixture_utils.js';
import { expect_events, Recorder } from '../../nn/test/recorder.js';

interface Case {
  name: string;
  kind: string;
  [key: string]: unknown;
}
interface Fixture {
  state_dict: Record<string, TensorJSON>;
  cases: Case[];
}

const fixtures = load_fixture_with_variants<Fixture>(new URL('./fixtures/simplenet_hooks.json', import.meta.url));

function build(fixture: Fixture, c: Case): nn.Module {
  const spec = (c['model'] as models.ModelSpec | undefined) ?? { type: 'SimpleNet' };
  const net = models.from_spec(spec);
  const sd = (c['state_dict'] as Record<string, TensorJSON> | undefined) ?? fixture.state_dict;
  net.load_state_dict(Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, T(v)])));
  return net;
}

const module_at = (net: nn.Module, path: string): nn.Module => (path === '<root>' || path === '' ? net : net.get_submodule(path));

let warnings: { category: string; message: string }[] = [];
const original_emit = process.emitWarning;
beforeEach(() => {
  warnings = [];
  process.emitWarning = ((message: string, category?: string) => {
    warnings.push({ message: String(message), category: String(category ?? 'Warning') });
  }) as typeof process.emitWarning;
});
afterEach(() => {
  process.emitWarning = original_emit;
});

function run_hooked(fixture: Fixture, c: Case) {
  const net = build(fixture, c);
  const rec = new Recorder();
  for (const h of c['hooks'] as { module: string; kinds: string[] }[]) rec.on(module_at(net, h.module), h.module, h.kinds);
  if (c['tensor_hooks_on_parameters']) for (const [name, p] of net.named_parameters()) rec.tensor(p, name);
  const x = T(c['input'] as TensorJSON, { requires_grad: Boolean(c['input_requires_grad']) });
  if (x.requires_grad) rec.tensor(x, 'input');
  const out = net.call(x) as torch.Tensor;
  const loss = new nn.CrossEntropyLoss().call(out, T(c['target'] as TensorJSON));
  loss.backward();
  return { net, rec, x, out, loss };
}

/** The module an error case's code builds (`nn.Conv2d(1, 2, 3)`, `nn.Linear(4, 2)`, `nn.MaxPool2d(2)`, …). */
function module_in_code(code: string): nn.Module {
  const m = /nn\.(\w+)\(([^)]*)\)/.exec(code);
  if (m === null) throw new Error(`no nn module in ${code}`);
  const args = m[2]!.split(',').map((a) => a.trim()).filter((a) => a !== '' && !a.includes('=')).map(Number);
  switch (m[1]) {
    case 'Conv2d':
      return new nn.Conv2d(args[0]!, args[1]!, args[2]!);
    case 'Linear':
      return new nn.Linear(args[0]!, args[1]!);
    case 'MaxPool2d':
      return new nn.MaxPool2d(args[0]!);
    default:
      return models.layer_from_spec({ type: m[1]! });
  }
}

for (const [file, fixture] of fixtures) describe(file, () => {
  const by_name = new Map(fixture.cases.map((c) => [c.name, c]));
  for (const c of fixture.cases) {
    it(`${c.kind}: ${c.name}`, () => {
      switch (c.kind) {
        case 'model_info': {
          const net = models.from_spec((c['model'] as models.ModelSpec | undefined) ?? { type: 'SimpleNet' });
          const params = [...net.named_parameters()];
          expect(params.map(([n, p]) => ({ name: n, shape: p.shape, requires_grad: p.requires_grad }))).toEqual(c['named_parameters']);
          expect(Object.keys(net.state_dict())).toEqual(c['state_dict_keys']);
          expect([...net.named_modules()].map(([n]) => n)).toEqual(c['named_modules']);
          expect([...net.named_children()].map(([n]) => n)).toEqual(c['named_children']);
          expect(String(net)).toBe(c['repr']);
          for (const [name, r] of Object.entries(c['module_reprs'] as Record<string, string>)) expect(String(net.get_submodule(name))).toBe(r);
          expect(nn.utils.parameters_count(net.parameters())).toBe(c['num_parameters']);
          expect(nn.utils.parameters_count([...net.parameters()].filter((p) => p.requires_grad))).toBe(c['num_trainable_parameters']);
          expect(net.training).toBe(c['training_flag_default']);
          break;
        }
        case 'grad_fn_of_module_outputs': {
          const net = build(fixture, c);
          const seen = new Map<string, string | null>();
          for (const [path, m] of net.named_modules()) {
            m.register_forward_hook((_m, _a, out) => {
              seen.set(path === '' ? '<root>' : path, out instanceof torch.Tensor && out.grad_fn !== null ? out.grad_fn.name() : null);
            });
          }
          net.call(torch.randn([1, 1, 28, 28]));
          for (const row of c['rows'] as { module: string; output_grad_fn: string }[]) expect(seen.get(row.module), row.module).toBe(name_2x(row.output_grad_fn));
          break;
        }
        case 'hooked_run': {
          const { net, rec, x, out, loss } = run_hooked(fixture, c);
          expect_tensor(out, c['output'] as TensorJSON, 'output', 1e-4, 1e-5);
          expect(out.grad_fn?.name() ?? null).toBe(name_2x(c['output_grad_fn'] as string));
          expect_tensor(loss, c['loss'] as TensorJSON, 'loss', 1e-4, 1e-6);
          const ref = (c['param_grads'] as Record<string, TensorJSON> | null) ?? (by_name.get(c['param_grads_same_as_case'] as string)!['param_grads'] as Record<string, TensorJSON>);
          for (const [name, p] of net.named_parameters()) expect_tensor(p.grad, ref[name]!, `${name}.grad`, 1e-3, 1e-6);
          expect_tensor(x.grad, (c['input_grad'] as TensorJSON | null) ?? null, 'input.grad', 1e-3, 1e-6);
          expect_events(rec.events, c['events'] as Record<string, unknown>[], 'events', { rtol: 1e-3, atol: 1e-5 });
          const want = c['warnings'] as { category: string; message: string }[];
          expect(warnings.map((w) => w.message)).toEqual(want.map((w) => w.message));
          // PyTorch 2.x raises these deprecations as FutureWarning (1.13, which wrote the fixture: UserWarning)
          for (const w of warnings) expect(w.category).toBe(nn.LEGACY_HOOK_WARNING_CATEGORY);
          break;
        }
        case 'error': {
          const code = String(c['code']);
          const first = code.includes('register_full_backward_hook') && code.indexOf('register_backward_hook') < code.indexOf('register_full_backward_hook') ? 'legacy' : 'full';
          const conv = module_in_code(code);
          const noop = () => undefined;
          const attempt = () => {
            if (first === 'legacy') {
              conv.register_backward_hook(noop);
              conv.register_full_backward_hook(noop);
            } else {
              conv.register_full_backward_hook(noop);
              conv.register_backward_hook(noop);
            }
          };
          expect(attempt).toThrow(c['message'] as string);
          break;
        }
        default:
          throw new Error(`no handler for kind ${c.kind}`);
      }
    });
  }
});
