// Module constructors read through the shared signature parser: both spellings, PyTorch's TypeErrors.
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { optim } from '@tsgrad/nn';

describe('module constructor signatures', () => {
  it('builds the same module from positional and keyword spellings', () => {
    expect(String(new nn.Flatten(0, 1))).toBe('Flatten(start_dim=0, end_dim=1)');
    expect(String(new nn.Flatten({ start_dim: 0 }))).toBe('Flatten(start_dim=0, end_dim=-1)');
    expect(String(new nn.Conv2d({ in_channels: 1, out_channels: 16, kernel_size: 3 }))).toBe(String(new nn.Conv2d(1, 16, 3)));
    expect(String(new nn.Conv2d(1, 16, 3, { stride: 2, padding: [1, 0] }))).toBe('Conv2d(1, 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 0))');
    expect(() => new nn.Conv2d(1, 16, 2.5)).toThrow(TypeError);
    expect(() => new nn.Conv2d(1, 16, 3, { strides: 2 } as never)).toThrow("Conv2d() got an unexpected keyword argument 'strides'");
  });

  it("prints the explicit class name, whatever the constructor's runtime name", () => {
    class Renamed extends nn.Linear {}
    expect(new Renamed(2, 3)._get_name()).toBe('Renamed');
    class Kept extends nn.Linear {
      static override readonly __name__: string = 'Kept';
    }
    Object.defineProperty(Kept, 'name', { value: 'q' });
    expect(String(new Kept(2, 3))).toBe('Kept(in_features=2, out_features=3, bias=True)');
    const Minified = nn.Conv2d;
    Object.defineProperty(Minified, 'name', { value: 'Bt', configurable: true });
    try {
      expect(String(new nn.Conv2d(1, 2, 3))).toMatch(/^Conv2d\(/);
    } finally {
      Object.defineProperty(Minified, 'name', { value: 'Conv2d', configurable: true });
    }
  });

  it('reads every layer constructor as PyTorch does (reprs from PyTorch)', () => {
    const cases: [nn.Module, string][] = [
      [new nn.MaxPool2d(3, 2, 1), 'MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)'],
      [new nn.MaxPool2d({ kernel_size: [2, 3], stride: 1 }), 'MaxPool2d(kernel_size=(2, 3), stride=1, padding=0, dilation=1, ceil_mode=False)'],
      [new nn.AvgPool2d(2, { padding: 1 }), 'AvgPool2d(kernel_size=2, stride=2, padding=1)'],
      [new nn.AdaptiveAvgPool2d([7, null]), 'AdaptiveAvgPool2d(output_size=(7, None))'],
      [new nn.AdaptiveAvgPool2d({ output_size: 1 }), 'AdaptiveAvgPool2d(output_size=1)'],
      [new nn.LeakyReLU(0.2, true), 'LeakyReLU(negative_slope=0.2, inplace=True)'],
      [new nn.Softmax(1), 'Softmax(dim=1)'],
      [new nn.LogSoftmax({ dim: 1 }), 'LogSoftmax(dim=1)'],
      [new nn.Dropout(0.2, true), 'Dropout(p=0.2, inplace=True)'],
      [new nn.BatchNorm2d(4, 1e-3, null), 'BatchNorm2d(4, eps=0.001, momentum=None, affine=True, track_running_stats=True)'],
      [new nn.BatchNorm1d({ num_features: 3, affine: false }), 'BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=True)'],
      [new nn.Linear(2, 3, false), 'Linear(in_features=2, out_features=3, bias=False)'],
      [new nn.Linear({ in_features: 2, out_features: 3, device: 'cpu', dtype: torch.float64 }), 'Linear(in_features=2, out_features=3, bias=True)'],
      [new nn.ReLU(true), 'ReLU(inplace=True)'],
      [new nn.GELU('tanh'), "GELU(approximate='tanh')"],
    ];
    for (const [m, text] of cases) expect(String(m)).toBe(text);
    expect(new nn.Linear(2, 3, { dtype: torch.float64 }).weight._dtype).toBe('float64');
    expect(new nn.MSELoss({ reduction: 'sum' }).reduction).toBe('sum');
    expect(new nn.CrossEntropyLoss(null, { label_smoothing: 0.1 }).label_smoothing).toBe(0.1);
  });

  it('rejects unknown options, wrong kinds and devices it does not have', () => {
    expect(() => new nn.Linear(2, 3, { biass: true } as never)).toThrow(new TypeError("Linear() got an unexpected keyword argument 'biass'"));
    expect(() => new nn.ReLU({ in_place: true } as never)).toThrow(new TypeError("ReLU() got an unexpected keyword argument 'in_place'"));
    expect(() => new nn.Dropout('0.5' as never)).toThrow(new TypeError("Dropout(): argument 'p' (position 1) must be float, not str"));
    expect(() => new nn.MSELoss({ reduce: false, size_averag: true } as never)).toThrow("MSELoss() got an unexpected keyword argument 'size_averag'");
    expect(() => new nn.Linear(2, 3, { device: 'cuda' })).toThrow('Torch not compiled with CUDA enabled');
    // PyTorch's Python raises it from the base class's __init__
    expect(() => new nn.MaxPool2d(2, { strid: 2 } as never)).toThrow("_MaxPoolNd() got an unexpected keyword argument 'strid'");
  });

  it('momentum=None batch norm keeps a cumulative average of the batch statistics', () => {
    const bn = new nn.BatchNorm1d(1, { momentum: null });
    bn.call(torch.tensor([[1], [3]]));
    bn.call(torch.tensor([[5], [7]]));
    expect(bn.running_mean!.tolist()).toEqual([4]);
  });
});

describe('optimizer signatures and repr', () => {
  const params = (): torch.Tensor[] => new nn.Linear(2, 1).parameters();
  it("prints PyTorch 2.x's Optimizer.__repr__", () => {
    expect(String(new optim.SGD(params(), { lr: 0.01, momentum: 0.9 }))).toBe(
      'SGD (\nParameter Group 0\n    dampening: 0\n    differentiable: False\n    foreach: None\n    fused: None\n    lr: 0.01\n    maximize: False\n    momentum: 0.9\n    nesterov: False\n    weight_decay: 0\n)');
    expect(String(new optim.Adam(params(), 1e-3))).toBe(
      'Adam (\nParameter Group 0\n    amsgrad: False\n    betas: (0.9, 0.999)\n    capturable: False\n    decoupled_weight_decay: False\n    differentiable: False\n    eps: 1e-08\n    foreach: None\n    fused: None\n    lr: 0.001\n    maximize: False\n    weight_decay: 0\n)');
    const w = new optim.AdamW(params());
    expect(w.param_groups[0]!.weight_decay).toBe(0.01);
    expect(w.param_groups[0]!.decoupled_weight_decay).toBe(true);
    expect(String(w)).toMatch(/^AdamW \(\nParameter Group 0\n/);
    expect(String(new optim.RMSprop(params(), 0.01, 0.9))).toMatch(/    alpha: 0\.9\n    capturable: False\n    centered: False\n/);
  });

  it('takes hyper-parameters positionally or by name and rejects unknown ones', () => {
    expect(new optim.SGD(params(), 0.1, 0.9).param_groups[0]!.momentum).toBe(0.9);
    expect(() => new optim.SGD(params(), { lr: 0.1, momentun: 0.9 } as never)).toThrow(new TypeError("SGD() got an unexpected keyword argument 'momentun'"));
    expect(() => new optim.Adam(params(), { lr: '1e-3' } as never)).toThrow(new TypeError("Adam(): argument 'lr' must be float, not str"));
    expect(() => new optim.SGD(params(), { lr: -1 })).toThrow('Invalid learning rate: -1');
  });
});

describe("a Python wrapper's and its native op's names in errors (signature options)", () => {
  it('reports keyword errors under the Python name and wrong kinds under the native parameter names', () => {
    const sig = torch.signature('max_pool2d(Tensor input, float p=0.5, bool training=True)', { python: '_max_pool2d', native: { training: 'train' } });
    const x = torch.zeros(1);
    expect(() => sig.parse([x, { bogus: 1 }])).toThrow(new TypeError("_max_pool2d() got an unexpected keyword argument 'bogus'"));
    expect(() => sig.parse([x, 0.5, 'a'])).toThrow(new TypeError("max_pool2d(): argument 'train' (position 3) must be bool, not str"));
    expect(() => sig.parse([x, { training: 'a' }])).toThrow(new TypeError("max_pool2d(): argument 'train' must be bool, not str"));
    expect(() => sig.parse([])).toThrow(new TypeError('_max_pool2d() missing 1 required positional argument: "input"'));
    expect(sig.parse([x, { training: false }])).toEqual({ input: x, p: 0.5, training: false });
  });

  it('nn.functional speaks as PyTorch: F.dropout, F.max_pool2d, F.linear, F.relu, the legacy loss arguments', () => {
    const F = nn.functional;
    const x = torch.tensor([[1, -2], [3, 4]]);
    expect(() => F.dropout(x, 0.5, 'a' as never)).toThrow(new TypeError("dropout(): argument 'train' (position 3) must be bool, not str"));
    expect(() => F.max_pool2d(x.view(1, 1, 2, 2), 2, { strides: 1 } as never)).toThrow(new TypeError("_max_pool2d() got an unexpected keyword argument 'strides'"));
    expect(F.linear({ input: x, weight: torch.eye(2) }).tolist()).toEqual(x.tolist());
    expect(() => F.linear(x, torch.eye(2), { bias: 1 } as never)).toThrow(new TypeError("linear(): argument 'bias' must be Tensor, not int"));
    expect(F.relu(x, { inplace: true })).toBe(x);
    expect(F.soft_margin_loss(x, x, null, false).shape).toEqual([2, 2]);
    expect(F.margin_ranking_loss(x, x, x.sign(), { size_average: false }).item()).toBe(F.margin_ranking_loss(x, x, x.sign(), { reduction: 'sum' }).item());
  });
});

describe('constructors and functions PyTorch 1.13 lacks (the fixtures cannot record them): 2.x signatures', () => {
  it('RMSNorm, CircularPad*, ZeroPad1d / 3d, LPPool3d: positional or keyword, unknown keywords refused', () => {
    const same: [nn.Module, nn.Module, string][] = [
      [new nn.RMSNorm([4], 1e-6, false), new nn.RMSNorm({ normalized_shape: 4, eps: 1e-6, elementwise_affine: false }), 'RMSNorm((4,), eps=1e-06, elementwise_affine=False)'],
      [new nn.CircularPad1d([1, 2]), new nn.CircularPad1d({ padding: [1, 2] }), 'CircularPad1d((1, 2))'],
      [new nn.CircularPad2d(1), new nn.CircularPad2d({ padding: 1 }), 'CircularPad2d((1, 1, 1, 1))'],
      [new nn.ZeroPad1d([1, 2]), new nn.ZeroPad1d({ padding: [1, 2] }), 'ZeroPad1d((1, 2))'],
      [new nn.ZeroPad3d(1), new nn.ZeroPad3d({ padding: 1 }), 'ZeroPad3d((1, 1, 1, 1, 1, 1))'],
      [new nn.LPPool3d(2.0, 2, null, true), new nn.LPPool3d({ norm_type: 2, kernel_size: 2, ceil_mode: true }), 'LPPool3d(norm_type=2.0, kernel_size=2, stride=None, ceil_mode=True)'],
    ];
    for (const [a, b, text] of same) {
      expect(String(a)).toBe(text);
      expect(String(b)).toBe(text);
    }
    expect(() => new nn.RMSNorm(4, { bogus: 1 } as never)).toThrow(new TypeError("RMSNorm() got an unexpected keyword argument 'bogus'"));
    expect(() => new nn.CircularPad3d(1, { bogus: 1 } as never)).toThrow(new TypeError("CircularPad3d() got an unexpected keyword argument 'bogus'"));
    expect(() => new nn.LPPool3d(2, 2, { bogus: 1 } as never)).toThrow(new TypeError("_LPPoolNd() got an unexpected keyword argument 'bogus'"));
  });

  it('F.rms_norm, F.lp_pool3d, F.scaled_dot_product_attention (scale keyword-only), F.flatten by keyword', () => {
    const F = nn.functional;
    const x = torch.arange(64, { dtype: torch.float32 }).reshape([1, 1, 4, 4, 4]);
    expect(F.lp_pool3d({ input: x, norm_type: 2, kernel_size: 2 }).tolist()).toEqual(F.lp_pool3d(x, 2, 2).tolist());
    expect(F.rms_norm({ input: x, normalized_shape: [4], eps: 1e-5 }).tolist()).toEqual(F.rms_norm(x, [4], null, 1e-5).tolist());
    expect(() => F.rms_norm(x, [4], { bogus: 1 } as never)).toThrow(new TypeError("rms_norm() got an unexpected keyword argument 'bogus'"));
    const q = torch.arange(24, { dtype: torch.float32 }).reshape([1, 2, 3, 4]).div(10);
    expect(F.scaled_dot_product_attention({ query: q, key: q, value: q, is_causal: true, scale: 0.5 }).tolist())
      .toEqual(F.scaled_dot_product_attention(q, q, q, null, 0, true, { scale: 0.5 }).tolist());
    expect(() => F.scaled_dot_product_attention(q, q, q, null, 0, false, 0.5 as never)).toThrow(new TypeError('scaled_dot_product_attention() takes from 3 to 6 positional arguments but 7 were given'));
    expect(F.flatten({ input: x, start_dim: 2 }).shape).toEqual([1, 1, 64]);
  });
});

describe('LambdaLR (its function cannot travel in the fixtures)', () => {
  it('takes the optimizer and lr_lambda positionally or by name; unknown keywords are refused', () => {
    const opt = (): optim.SGD => new optim.SGD([torch.zeros(2).requires_grad_(true)], 0.5);
    const lrs = (s: optim.lr_scheduler.LRScheduler): number[] => [1, 2, 3].map(() => (s.optimizer.step(), s.step(), s.get_last_lr()[0]!));
    const half = (epoch: number): number => 0.5 ** epoch;
    expect(lrs(new optim.lr_scheduler.LambdaLR(opt(), half))).toEqual([0.25, 0.125, 0.0625]);
    expect(lrs(new optim.lr_scheduler.LambdaLR({ optimizer: opt(), lr_lambda: half, last_epoch: -1 }))).toEqual([0.25, 0.125, 0.0625]);
    expect(() => new optim.lr_scheduler.LambdaLR(opt(), half, { bogus: 1 } as never)).toThrow(new TypeError("LambdaLR() got an unexpected keyword argument 'bogus'"));
  });
});
