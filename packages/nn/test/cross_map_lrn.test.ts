// nn.CrossMapLRN2d's legacy Function: PyTorch's node name, its once-only backward and its size-1 failure, in
// PyTorch's words (values are checked against PyTorch by nn_modules.json and variants/nn_modules_lrn.json).
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';

describe('CrossMapLRN2d', () => {
  const x = torch.randn([2, 3, 2, 2], { requires_grad: true });

  it('records a CrossMapLRN2dBackward node, as PyTorch names its legacy Function', () => {
    expect(new nn.CrossMapLRN2d(3).call(x).grad_fn!.name()).toBe('CrossMapLRN2dBackward');
  });

  it('refuses to build a graph of its gradient, with PyTorch error', () => {
    const y = new nn.CrossMapLRN2d(3).call(x);
    expect(() => torch.autograd.grad(y, [x], { grad_outputs: torch.ones_like(y), create_graph: true })).toThrow(
      "mul(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.",
    );
  });

  it('fails in backward for size 1, where PyTorch narrows past its buffer', () => {
    const y = new nn.CrossMapLRN2d(1).call(x);
    expect(() => y.sum().backward()).toThrow('start (1) + length (3) exceeds dimension size (3).');
    expect(x.grad).toBeNull();
  });
});
