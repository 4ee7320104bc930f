// A browser-only project (lib ES2022 + DOM, no @types/node): models, hooks, interpret and image on a canvas.
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { EventBus } from '@tsgrad/hooks';
import { image, interpret, models } from '@tsgrad/vision';

const net = new models.SimpleNet().eval();
using h = net.out.register_full_backward_hook((module: nn.Module, grad_input, grad_output) => {
  document.title = `${module._get_name()} ${grad_input.length} ${grad_output.length}`;
});
const x = torch.rand([1, 1, 28, 28]);
const { map } = interpret.saliency(net, x, 7);
const rgba = image.heatmap_overlay(x, map.index([0]), { colormap: 'viridis' });
const canvas = document.createElement('canvas');
canvas.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(rgba.data), rgba.width, rgba.height), 0, 0);
const bus = new EventBus<{ done: [number] }>();
bus.emit('done', 1);
void h;
