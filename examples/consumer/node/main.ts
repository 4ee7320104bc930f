// A Node-only project (lib ES2022 + @types/node, no DOM): every package, datasets, PNG output and `using`.
import { writeFileSync } from 'node:fs';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { RemovableHandle } from '@tsgrad/hooks';
import { datasets, image, interpret, models, transforms } from '@tsgrad/vision';

const net = new models.SimpleNet().eval();
{
  using h: RemovableHandle = net.conv1.register_forward_hook((module, input, output) => {
    console.log(`Inside ${module._get_name()} forward`, input[0]?.shape, output.shape);
  });
  using _ = torch.no_grad();
  net.call(torch.rand([1, 1, 28, 28]));
  void h;
}
const x = torch.rand([1, 1, 28, 28]);
const { cam } = interpret.grad_cam(net, x, 3, 'conv2');
image.write_png('grad_cam.png', image.heatmap_overlay(x, cam.index([0]), { colormap: 'jet' }));
const to_tensor: transforms.ToTensor = new transforms.ToTensor();
const load = (): Promise<datasets.MNIST<torch.Tensor>> => datasets.MNIST.create({ root: 'data', train: false, transform: to_tensor });
nn.save_file(net.state_dict(), 'net.safetensors');
writeFileSync('done.txt', String(typeof load));
