// Compile-time checks of hook signatures, run by module_hooks.test.ts through tsc: every line marked
// `@ts-expect-error` must fail to compile (an unused directive is itself an error), everything else must pass.
import * as torch from '@tsgrad/core';
import type { Grad, Tensor } from '@tsgrad/core';
import * as nn from '../src/index.js';

class KwMod extends nn.Module {
  lin = new nn.Linear(3, 3);
  override forward(x: Tensor, flag: string | null = null, kwargs: { scale?: number } = {}): Tensor {
    const y = this.lin.call(x).mul(kwargs.scale ?? 1);
    return flag === null ? y : y.add(1);
  }
}

const lin = new nn.Linear(3, 2);
const x = torch.randn([4, 3], { requires_grad: true });

// ---- correct signatures compile, with the module's own types ---------------------------------------
lin.register_forward_pre_hook((m, args) => {
  const features: number = m.in_features;
  const input: Tensor = args[0];
  return features > 0 ? input.mul(2) : undefined;
});
lin.register_forward_pre_hook((_m, args) => [args[0].mul(2)] as [Tensor]);
lin.register_forward_pre_hook((_m, args, kwargs) => [args, kwargs], { with_kwargs: true });
lin.register_forward_hook((_m, _args, out) => out.mul(2));
lin.register_forward_hook((_m, _args, kwargs, out) => (kwargs['k'] === undefined ? out : undefined), { with_kwargs: true, always_call: true });
lin.register_full_backward_hook((_m, gi: Grad[], go: Grad[]) => (go[0] === null ? undefined : gi));
lin.register_full_backward_pre_hook((_m, go) => go.map((g) => (g === null ? null : g.mul(0))));
lin.register_backward_hook(() => undefined);
x.register_hook((g) => g.mul(2));
nn.register_module_forward_hook((_m, _args, out) => out);
const y: Tensor = lin.call(x);
const z: Tensor = new KwMod().call(x, 'flag', nn.kwargs({ scale: 2 }));
{
  using _h = lin.register_forward_hook(() => undefined);
}

// ---- a model held as nn.Module, containers, global hooks, detached Function.apply ---------------------
class Net extends nn.Module {
  fc = new nn.Linear(3, 2);
  override forward(input: Tensor): Tensor {
    return this.fc.call(input);
  }
}
const held: nn.Module = new Net();
const held_out: Tensor = held.call(x); // a Tensor without a cast, as `model(x)` in PyTorch
const lstm = new nn.LSTM(3, 4);
const [lstm_out, [h_n, c_n]] = lstm.call(x); // a tuple-returning module keeps its precise type
const held_lstm: nn.Module = lstm;
const [held_lstm_out] = held_lstm.call<[Tensor, [Tensor, Tensor]]>(x); // held as nn.Module: name the output
const modules: nn.Module[] = [lstm, new nn.MultiheadAttention(4, 2), new Net()];
const net = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU());
const first: nn.Linear = net[0];
const second: nn.ReLU = net[1];
const any_seq: nn.Sequential = net;
const any_child: nn.Module = any_seq[5];
const stack = new nn.ModuleList([new nn.Linear(3, 3), new nn.Linear(3, 3)]);
let h = x;
for (const layer of stack) h = layer.call(h);
const w0: Tensor = stack[0].weight;
nn.register_module_forward_pre_hook((m, args) => (m.training ? args : undefined));
nn.register_module_full_backward_hook((m, gi) => (m.training ? gi : undefined));
nn.register_module_full_backward_pre_hook((m, go) => (m.training ? go : undefined));
class Cube extends torch.autograd.Function {
  static override forward(ctx: torch.autograd.function.FunctionCtx, t: Tensor): Tensor {
    ctx.save_for_backward(t);
    return t.pow(3);
  }
  static override backward(ctx: torch.autograd.function.FunctionCtx, g: Tensor): Tensor {
    const [t] = ctx.saved_tensors;
    return g.mul(t!.pow(2)).mul(3);
  }
}
const P3 = Cube.apply;
const cubed: Tensor = P3(x);
const cubed_attached: Tensor = Cube.apply(x);

// ---- wrong signatures do not --------------------------------------------------------------------------
// @ts-expect-error the output of a Linear is a Tensor, not a string
lin.register_forward_hook((_m, _args, out: string) => out);
// @ts-expect-error a forward hook returns an output of the forward's type
lin.register_forward_hook(() => 'not a tensor');
// @ts-expect-error a forward pre-hook returns the args, one arg, or nothing
lin.register_forward_pre_hook(() => 42);
// @ts-expect-error a with_kwargs pre-hook returns [args, kwargs]
lin.register_forward_pre_hook(() => x, { with_kwargs: true });
// @ts-expect-error a with_kwargs forward hook gets kwargs before the output
lin.register_forward_hook((_m, _args, out: Tensor) => out, { with_kwargs: true });
// @ts-expect-error a hook without with_kwargs gets no kwargs
lin.register_forward_hook((_m, _args, _kwargs: Record<string, unknown>, out: Tensor) => out);
// @ts-expect-error grad_input is a list of gradients
lin.register_full_backward_hook((_m, gi: number[]) => gi);
// @ts-expect-error a full backward hook returns a list of gradients
lin.register_full_backward_hook(() => x);
// @ts-expect-error a backward pre-hook takes (module, grad_output)
lin.register_full_backward_pre_hook((_m, _go, extra: Tensor) => [extra]);
// @ts-expect-error a tensor hook takes the gradient tensor
x.register_hook((g: string) => g);
// @ts-expect-error a tensor hook returns a tensor or nothing
x.register_hook(() => 3);
// @ts-expect-error a Linear is called with a tensor
lin.call('x');

// @ts-expect-error a model held as nn.Module returns a Tensor, not a string
const _bad_held: string = held.call(x);
// @ts-expect-error Sequential children keep their own types: [0] is a Linear, not a ReLU
const _bad_child: nn.ReLU = net[0];
// @ts-expect-error a global hook's module is a Module
nn.register_module_forward_hook((m: string) => m);
// @ts-expect-error attached, apply checks the forward's arguments
Cube.apply('x');
// @ts-expect-error a ModuleList of Linear takes Linear children
stack.append(new nn.ReLU());

export { y, z, held_out, lstm_out, h_n, c_n, held_lstm_out, modules, first, second, any_child, h, w0, cubed, cubed_attached };
