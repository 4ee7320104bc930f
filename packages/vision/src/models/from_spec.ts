// Builds models from the structured descriptions the fixtures use ({type: 'SimpleNet'} or a Sequential spec).
import * as nn from '@tsgrad/nn';
import { SimpleNet } from './simplenet.js';

/** One layer of a Sequential spec, as in the fixtures' `model.layers`. */
export interface LayerSpec {
  /** The layer's class name in `torch.nn` (e.g. 'Conv2d', 'ReLU', 'Linear'). */
  type: string;
  /** The `in_channels` argument of the layer's constructor. */
  in_channels?: number;
  /** The `out_channels` argument of the layer's constructor. */
  out_channels?: number;
  /** The `kernel_size` argument of the layer's constructor. */
  kernel_size?: number | [number, number];
  /** The `stride` argument of the layer's constructor. */
  stride?: number | [number, number];
  /** The `padding` argument of the layer's constructor. */
  padding?: number | [number, number];
  /** The `dilation` argument of the layer's constructor. */
  dilation?: number | [number, number];
  /** The `groups` argument of the layer's constructor. */
  groups?: number;
  /** The `bias` argument of the layer's constructor. */
  bias?: boolean;
  /** The `in_features` argument of the layer's constructor. */
  in_features?: number;
  /** The `out_features` argument of the layer's constructor. */
  out_features?: number;
  /** The `ceil_mode` argument of the layer's constructor. */
  ceil_mode?: boolean;
  /** The `output_size` argument of the layer's constructor. */
  output_size?: number | [number, number];
  /** The `start_dim` argument of the layer's constructor. */
  start_dim?: number;
  /** The `end_dim` argument of the layer's constructor. */
  end_dim?: number;
  /** The `inplace` argument of the layer's constructor. */
  inplace?: boolean;
  /** The `negative_slope` argument of the layer's constructor. */
  negative_slope?: number;
  /** The `p` argument of the layer's constructor. */
  p?: number;
  /** The `dim` argument of the layer's constructor. */
  dim?: number;
}

/** A model description: `models.SimpleNet`, or a Sequential of layer specs. */
export type ModelSpec =
  | {
      /** `models.SimpleNet`. */
      type: 'SimpleNet';
    }
  | {
      /** An `nn.Sequential` of the layers. */
      type: 'Sequential';
      /** Its layers, in order. */
      layers: LayerSpec[];
    };

/**
 * Builds one layer from its spec, with PyTorch's defaults for omitted fields.
 *
 * @example
 * models.layer_from_spec({ type: 'Conv2d', in_channels: 1, out_channels: 8, kernel_size: 3 });
 */
export function layer_from_spec(s: LayerSpec): nn.Module {
  switch (s.type) {
    case 'Conv2d':
      return new nn.Conv2d(s.in_channels!, s.out_channels!, s.kernel_size!, { stride: s.stride, padding: s.padding, dilation: s.dilation, groups: s.groups, bias: s.bias });
    case 'Linear':
      return new nn.Linear(s.in_features!, s.out_features!, { bias: s.bias });
    case 'MaxPool2d':
      return new nn.MaxPool2d(s.kernel_size!, { stride: s.stride, padding: s.padding, dilation: s.dilation, ceil_mode: s.ceil_mode });
    case 'AvgPool2d':
      return new nn.AvgPool2d(s.kernel_size!, { stride: s.stride, padding: s.padding, ceil_mode: s.ceil_mode });
    case 'AdaptiveAvgPool2d':
      return new nn.AdaptiveAvgPool2d(s.output_size!);
    case 'Flatten':
      return new nn.Flatten({ start_dim: s.start_dim, end_dim: s.end_dim });
    case 'ReLU':
      return new nn.ReLU({ inplace: s.inplace });
    case 'LeakyReLU':
      return new nn.LeakyReLU({ negative_slope: s.negative_slope });
    case 'Tanh':
      return new nn.Tanh();
    case 'Sigmoid':
      return new nn.Sigmoid();
    case 'Dropout':
      return new nn.Dropout({ p: s.p });
    case 'Softmax':
      return new nn.Softmax(s.dim ?? null);
    case 'Identity':
      return new nn.Identity();
    default:
      throw new Error(`unknown layer type '${s.type}' in model spec`);
  }
}

/**
 * Builds a model from a fixture-style description.
 *
 * @example
 * const net = models.from_spec({ type: 'Sequential', layers: [{ type: 'Linear', in_features: 4, out_features: 2 }] });
 */
export function from_spec(spec: ModelSpec): nn.Module {
  if (spec.type === 'SimpleNet') return new SimpleNet();
  if (spec.type === 'Sequential') return new nn.Sequential(...spec.layers.map(layer_from_spec));
  throw new Error(`unknown model type '${(spec as { type: string }).type}'`);
}
