// Every hook kind on a small net, plus a custom Function and a user Module that declare their names: what a
// user's production bundle must print with PyTorch's names although the minifier renamed every class.
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { datasets, models } from '@tsgrad/vision';

class Square extends torch.autograd.Function {
  static override readonly __name__: string = 'Square';
  static override forward(ctx: torch.autograd.FunctionCtx, x: torch.Tensor): torch.Tensor {
    ctx.save_for_backward(x);
    return x.mul(x);
  }
  static override backward(ctx: torch.autograd.FunctionCtx, g: torch.Tensor): torch.Tensor {
    return g.mul(ctx.saved_tensors[0]!).mul(2);
  }
}

class TinyNet extends nn.Module {
  static override readonly __name__: string = 'TinyNet';
  conv = new nn.Conv2d(1, 2, 3);
  fc = new nn.Linear(8, 3);
  override forward(x: torch.Tensor): torch.Tensor {
    return this.fc.call(nn.functional.relu(this.conv.call(x)).flatten(1));
  }
}

/** Runs a forward and backward pass with hooks of every kind; returns what they saw, one line each. */
export function hook_demo(): string[] {
  const lines: string[] = [];
  const shape = (t: torch.Tensor | null | undefined): string => (t ? `[${t.shape.join(', ')}]` : 'None');
  const net = new TinyNet();
  net.conv.register_forward_pre_hook((m) => void lines.push(`forward pre-hook on ${m._get_name()}`));
  net.conv.register_forward_hook((m, _input, output) => void lines.push(`Inside ${m._get_name()} forward: output ${shape(output as torch.Tensor)}`));
  net.fc.register_full_backward_pre_hook((m, grad_output) => void lines.push(`backward pre-hook on ${m._get_name()}: grad_output ${shape(grad_output[0])}`));
  net.fc.register_full_backward_hook((m, grad_input, grad_output) => {
    lines.push(`Inside ${m._get_name()} backward: grad_input ${shape(grad_input[0])}, grad_output ${shape(grad_output[0])}`);
  });
  const x = torch.randn([1, 1, 4, 4], { requires_grad: true });
  const out = net.call(x);
  lines.push(`out.grad_fn=<${out.grad_fn?.name()}>`);
  const sq = Square.apply(out);
  sq.register_hook((g) => void lines.push(`tensor hook: grad ${shape(g)}`));
  lines.push(`sq.grad_fn=<${sq.grad_fn?.name()}>`);
  sq.sum().backward();
  lines.push(`x.grad ${shape(x.grad)}`);
  lines.push(...String(net).split('\n'));
  // error messages name classes as PyTorch does, minified or not
  try {
    torch.flatten(net.fc as unknown as torch.Tensor);
  } catch (e) {
    lines.push((e as Error).message);
  }
  // vision's models and its Node-only datasets in the same bundle: neither may pull in a Node built-in
  lines.push(`${new models.SimpleNet()._get_name()} from @tsgrad/vision, MNIST folder ${datasets.MNIST.base_folder}`);
  return lines;
}
