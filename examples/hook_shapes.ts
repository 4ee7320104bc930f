// The seed hook scripts in TypeScript: forward hooks, a pre-hook, a legacy backward hook, removal, save_feat.
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { models } from '@tsgrad/vision';
import { run_if_main, type Log } from './run_main.js';

export function main(log: Log = console.log): void {
  torch.manual_seed(0);
  const net = new models.SimpleNet();
  const x = torch.randn([1, 1, 28, 28]);

  // forward hooks on conv1 and conv2 print what flows through them
  const print_shapes = (module: nn.Module, input: unknown[], output: torch.Tensor): void => {
    log(`Inside ${module._get_name()} forward`);
    log(`input: array of length ${input.length}`);
    log(`input[0] shape: [${(input[0] as torch.Tensor).shape.join(', ')}]`);
    log(`output shape: [${output.shape.join(', ')}]`);
  };
  const h1 = net.conv1.register_forward_hook(print_shapes);
  const h2 = net.conv2.register_forward_hook(print_shapes);
  net.call(x);
  h1.remove();
  h2.remove();

  // a forward pre-hook sees (and could replace) the input
  const pre = net.conv1.register_forward_pre_hook((m, input) => {
    log(`pre-hook on ${m._get_name()}: input[0] shape [${input[0].shape.join(', ')}]`);
  });
  net.call(x);
  pre.remove();

  // the legacy backward hook sees conv1's ConvolutionBackward0 node: (input grad or null, dW, db)
  const legacy = net.conv1.register_backward_hook((m, grad_input, grad_output) => {
    log(`Inside ${m._get_name()} backward`);
    log(`grad_input length: ${grad_input.length}`);
    log(`grad_input[0]: ${grad_input[0] === null ? 'None' : `[${grad_input[0]!.shape.join(', ')}]`}`);
    log(`grad_input[1] shape: [${grad_input[1]!.shape.join(', ')}]`);
    log(`grad_input[2] shape: [${grad_input[2]!.shape.join(', ')}]`);
    log(`grad_output[0] shape: [${grad_output[0]!.shape.join(', ')}]`);
  });
  const out = net.call(x);
  const loss = new nn.CrossEntropyLoss().call(out, torch.tensor([3], { dtype: 'int64' }));
  loss.backward();
  legacy.remove();

  // removing a hook through its handle: it no longer fires
  let calls = 0;
  const counted = net.fc.register_forward_hook(() => {
    calls++;
  });
  net.call(x);
  counted.remove();
  net.call(x);
  log(`fc hook calls after removal: ${calls}`);

  // capturing an intermediate activation (the seed's save_feat pattern)
  const save_feat: torch.Tensor[] = [];
  const grab = net.conv2.register_forward_hook((_m, _input, output) => {
    save_feat.push(output.detach());
  });
  net.call(x);
  grab.remove();
  log(`save_feat[0] shape: [${save_feat[0]!.shape.join(', ')}]`);
}

run_if_main(import.meta.url, main);
