// PyTorch: Defining New autograd Functions, ported line by line:
// https://pytorch.org/tutorials/beginner/examples_autograd/polynomial_custom_function.html
// (source: https://github.com/pytorch/tutorials/blob/main/beginner_source/examples_autograd/polynomial_custom_function.py)
// A third order polynomial y = a + b * P3(c + d x), P3 a custom autograd Function (the Legendre polynomial of
// degree three), trained to predict sin(x) on [-pi, pi]. Deterministic: it prints what the Python prints.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { run_if_main, type Log } from './run_main.js';

type FunctionCtx = torch.autograd.function.FunctionCtx;

/**
 * We can implement our own custom autograd Functions by subclassing torch.autograd.Function and implementing
 * the forward and backward passes which operate on Tensors.
 */
class LegendrePolynomial3 extends torch.autograd.Function {
  static override readonly __name__: string = 'LegendrePolynomial3';

  /**
   * In the forward pass we receive a Tensor containing the input and return a Tensor containing the output.
   * ctx is a context object that can be used to stash information for backward computation.
   */
  static override forward(ctx: FunctionCtx, input: Tensor): Tensor {
    ctx.save_for_backward(input);
    return input.pow(3).mul(5).sub(input.mul(3)).mul(0.5);
  }

  /**
   * In the backward pass we receive a Tensor containing the gradient of the loss with respect to the output,
   * and we need to compute the gradient of the loss with respect to the input.
   */
  static override backward(ctx: FunctionCtx, grad_output: Tensor): Tensor {
    const [input] = ctx.saved_tensors;
    return grad_output.mul(1.5).mul(input!.pow(2).mul(5).sub(1));
  }
}

export function main(print: Log = console.log): void {
  const dtype = torch.float;
  const device = torch.device('cpu');

  // Create Tensors to hold input and outputs.
  const x = torch.linspace(-Math.PI, Math.PI, 2000, { device, dtype });
  const y = torch.sin(x);

  // 4 weights: y = a + b * P3(c + d * x), initialized not too far from the correct result.
  const a = torch.full([], 0.0, { device, dtype, requires_grad: true });
  const b = torch.full([], -1.0, { device, dtype, requires_grad: true });
  const c = torch.full([], 0.0, { device, dtype, requires_grad: true });
  const d = torch.full([], 0.3, { device, dtype, requires_grad: true });

  const learning_rate = 5e-6;
  for (let t = 0; t < 2000; t++) {
    // To apply our Function, we use Function.apply method. We alias this as 'P3'.
    const P3 = LegendrePolynomial3.apply;

    // Forward pass: compute predicted y using operations; we compute P3 using our custom autograd operation.
    const y_pred = a.add(b.mul(P3(c.add(d.mul(x)))));

    // Compute and print loss
    const loss = y_pred.sub(y).pow(2).sum();
    if (t % 100 === 99) print(t, loss.item());

    // Use autograd to compute the backward pass.
    loss.backward();

    // Update weights using gradient descent
    torch.no_grad(() => {
      a.sub_(a.grad!.mul(learning_rate));
      b.sub_(b.grad!.mul(learning_rate));
      c.sub_(c.grad!.mul(learning_rate));
      d.sub_(d.grad!.mul(learning_rate));

      // Manually zero the gradients after updating weights
      a.grad = null;
      b.grad = null;
      c.grad = null;
      d.grad = null;
    });
  }

  print(`Result: y = ${a.item()} + ${b.item()} * P3(${c.item()} + ${d.item()} x)`);
}

run_if_main(import.meta.url, main);
