// Every torch.nn module class against real PyTorch (fixtures/nn_modules.json and its generated variants):
// constructor spellings, repr, parameter / buffer names, forward values, input and parameter gradients,
// buffers after the forward, and the full backward hook's view of the same gradients.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { expect_tensor, is_tensor_json, load_fixture_with_variants, T, type TensorJSON, type Tolerance } from './fixture_utils.js';
import { build, classes, input_value, type Ctor } from './module_specs.js';

interface ModuleCase {
  name: string; class: string; ctor: Ctor; python: string; mode: 'train' | 'eval';
  repr: string; repr_2x?: string;
  named_parameters: [string, number[]][]; named_buffers: [string, number[]][]; state_dict_keys: string[];
  state_dict: Record<string, TensorJSON>;
  inputs: unknown[]; input_requires_grad: unknown[]; forward_kwargs: Record<string, unknown>;
  output: unknown; backward: boolean; grad_output: unknown;
  input_grads: unknown[]; param_grads: Record<string, TensorJSON | null>;
  buffers_after: Record<string, TensorJSON>; parameters_after?: Record<string, TensorJSON>;
  tolerance: 'elementwise' | 'accum'; warnings?: string[];
}
interface ModulesFixture { tolerances: Record<string, Tolerance>; cases: ModuleCase[] }

function flat_tensors(v: unknown): (Tensor | null)[] {
  if (v instanceof Tensor) return [v];
  if (Array.isArray(v)) return v.flatMap(flat_tensors);
  return [null];
}

function flat_json(v: unknown): (TensorJSON | null)[] {
  if (is_tensor_json(v)) return [v];
  if (Array.isArray(v)) return v.flatMap(flat_json);
  return [null];
}

function expect_structure(actual: unknown, expected: unknown, path: string, tol: Tolerance): void {
  if (expected === null) return void expect(actual ?? null, `${path} should be None`).toBeNull();
  if (is_tensor_json(expected)) return expect_tensor(actual, expected, path, tol);
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path} should be a tuple`).toBe(true);
    const a = actual as unknown[];
    expect(a.length, `${path} length`).toBe(expected.length);
    expected.forEach((e, i) => expect_structure(a[i], e, `${path}[${i}]`, tol));
    return;
  }
  expect(actual, path).toEqual(expected);
}

/**
 * Cases of implemented classes that do not match PyTorch yet, with the reason. They run as expected failures
 * (`it.fails`), so fixing one without deleting its entry here fails the suite: delete the entry with the fix.
 */
const KNOWN_GAPS: Record<string, string> = {};

const fixtures = load_fixture_with_variants<ModulesFixture>(new URL('./fixtures/nn_modules.json', import.meta.url));

for (const [file, fixture] of fixtures) {
  describe(`nn modules (${file})`, () => {
    for (const c of fixture.cases) {
      const tol = fixture.tolerances[c.tolerance]!;
      // a class not implemented yet is reported as skipped, never as passing
      const run = classes[c.class] === undefined ? it.skip : c.name in KNOWN_GAPS ? it.fails : it;
      run(`${c.name}: ${c.python}`, () => {
        torch.manual_seed(0);
        const m = build(c.ctor);
        expect([String(m)]).toContainEqual(c.repr_2x ?? c.repr);
        expect([...m.named_parameters()].map(([n, p]) => [n, p.shape]), 'named_parameters').toEqual(c.named_parameters);
        expect([...m.named_buffers()].map(([n, b]) => [n, b.shape]), 'named_buffers').toEqual(c.named_buffers);
        expect(Object.keys(m.state_dict()), 'state_dict keys').toEqual(c.state_dict_keys);
        m.load_state_dict(Object.fromEntries(Object.entries(c.state_dict).map(([k, v]) => [k, T(v)])));
        if (c.mode === 'eval') m.eval();
        else m.train();

        const inputs = c.inputs.map((v, i) => input_value(v, c.input_requires_grad[i]));
        const kwargs = Object.fromEntries(Object.entries(c.forward_kwargs).map(([k, v]) => [k, input_value(v, false)]));
        const hook_grads: (Tensor | null)[][] = [];
        const handle = c.backward ? m.register_full_backward_hook((_m, grad_input) => void hook_grads.push([...grad_input])) : null;
        const out = Object.keys(kwargs).length > 0 ? m.call(...inputs, nn.kwargs(kwargs)) : m.call(...inputs);
        expect_structure(out, c.output, 'output', tol);

        const buffers = new Map(m.named_buffers());
        for (const [k, v] of Object.entries(c.buffers_after)) expect_tensor(buffers.get(k), v, `buffer ${k}`, tol);
        const parameters = new Map(m.named_parameters());
        for (const [k, v] of Object.entries(c.parameters_after ?? {})) expect_tensor(parameters.get(k), v, `parameter ${k}`, tol);
        if (!c.backward) return;

        const outs = flat_tensors(out);
        const gouts = flat_json(c.grad_output);
        let loss: Tensor | null = null;
        outs.forEach((o, i) => {
          const g = gouts[i];
          if (o === null || g === null || g === undefined) return;
          const term = o.mul(T(g)).sum();
          loss = loss === null ? term : loss.add(term);
        });
        expect(loss, 'some output requires grad').not.toBeNull();
        (loss as unknown as Tensor).backward();
        handle?.remove();

        const leaves = flat_tensors(inputs);
        flat_json(c.input_grads).forEach((g, i) => {
          const leaf = leaves[i];
          if (g === null) expect(leaf?.grad ?? null, `input ${i} grad`).toBeNull();
          else expect_tensor(leaf?.grad, g, `input ${i} grad`, tol);
        });
        for (const [k, g] of Object.entries(c.param_grads)) {
          if (g === null) expect(parameters.get(k)?.grad ?? null, `${k} grad`).toBeNull();
          else expect_tensor(parameters.get(k)?.grad, g, `${k} grad`, tol);
        }
        // the full backward hook sees, for each tensor input, the gradient the leaf received
        expect(hook_grads.length, 'full backward hook calls').toBe(1);
        const tensor_inputs = inputs.filter((v): v is Tensor => v instanceof Tensor);
        hook_grads[0]!.forEach((g, i) => {
          const leaf = tensor_inputs[i];
          if (g !== null && leaf !== undefined && leaf.grad !== null) expect_tensor(g, { shape: leaf.shape, data: Array.from(leaf.grad._contiguous_data()) }, `hook grad_input[${i}]`, tol);
        });
      });
    }
  });
}
