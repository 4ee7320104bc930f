// CPU is the only device, honestly: torch.device, torch.cuda, device= options, dtype values.
import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import * as torch from '@tsgrad/core';

describe('devices', () => {
  it('names devices as PyTorch prints them', () => {
    const d = torch.device('cpu');
    expect(String(d)).toBe('cpu');
    expect(inspect(d)).toBe("device(type='cpu')");
    expect(String(torch.device('cuda:1'))).toBe('cuda:1');
    expect(inspect(torch.device('cuda', 0))).toBe("device(type='cuda', index=0)");
    expect(d.type).toBe('cpu');
    expect(() => torch.device('foo')).toThrow(/^Expected one of cpu, cuda, .* device type at start of device string: foo$/);
  });

  it('has no CUDA and no MPS', () => {
    expect(torch.cuda.is_available()).toBe(false);
    expect(torch.cuda.device_count()).toBe(0);
    expect(torch.backends.mps.is_available()).toBe(false);
  });

  it('has no accelerator: the 2.6+ device-picking idiom and set_default_device run their CPU branch', () => {
    const device = torch.accelerator.is_available() ? torch.accelerator.current_accelerator()!.type : 'cpu';
    expect(device).toBe('cpu');
    expect(torch.accelerator.current_accelerator()).toBeNull();
    expect(torch.accelerator.device_count()).toBe(0);
    torch.set_default_device(device);
    torch.set_default_device(torch.device('cpu'));
    torch.set_default_device(null);
    expect(String(torch.get_default_device())).toBe('cpu');
    expect(() => torch.set_default_device('cuda')).toThrow('Torch not compiled with CUDA enabled');
    expect(() => torch.set_default_device('gpu')).toThrow(/device type at start of device string: gpu$/);
    expect(torch.zeros(2).device.type).toBe('cpu');
  });

  it('accepts device= on factories and refuses devices it does not have', () => {
    const device = torch.cuda.is_available() ? torch.device('cuda') : torch.device('cpu');
    expect(torch.zeros(2, 3, { device }).shape).toEqual([2, 3]);
    expect(torch.ones([2], { device: 'cpu' }).tolist()).toEqual([1, 1]);
    expect(torch.tensor([1, 2], { device: 'cpu' }).tolist()).toEqual([1, 2]);
    expect(() => torch.zeros(2, { device: 'cuda' })).toThrow('Torch not compiled with CUDA enabled');
    expect(() => torch.randn([2], { device: 'cuda:0' })).toThrow('Torch not compiled with CUDA enabled');
    expect(() => torch.zeros(2, { device: 3 } as never)).toThrow(new TypeError("zeros(): argument 'device' must be torch.device, not int"));
  });

  it('spells dtypes as PyTorch does', () => {
    expect([torch.float32, torch.float, torch.float64, torch.double, torch.int64, torch.long, torch.bool].map(String)).toEqual(['torch.float32', 'torch.float32', 'torch.float64', 'torch.float64', 'torch.int64', 'torch.int64', 'torch.bool']);
    expect(torch.float).toBe(torch.float32);
    expect(torch.long).toBe(torch.int64);
    expect(torch.zeros(2, { dtype: torch.double })._dtype).toBe('float64');
    expect(torch.arange(3, { dtype: torch.float })._dtype).toBe('float32');
    expect(() => torch.zeros(2, { dtype: 'float16' as never })).toThrow(new TypeError("zeros(): argument 'dtype' must be torch.dtype, not str"));
  });
});

describe('signatures of core ops', () => {
  const x = torch.arange(6, { dtype: torch.float32 }).reshape([2, 3]);
  it('reads reductions positionally or by keyword', () => {
    expect(x.sum(1).tolist()).toEqual([3, 12]);
    expect(x.sum({ dim: 1, keepdim: true }).shape).toEqual([2, 1]);
    expect(torch.sum(x, [0, 1], true).shape).toEqual([1, 1]);
    expect(x.sum(null, true).shape).toEqual([1, 1]);
    expect(torch.mean(x, { dim: 0 }).tolist()).toEqual([1.5, 2.5, 3.5]);
    expect(x.sum({ dtype: torch.float64 })._dtype).toBe('float64');
    expect(x.amax(1).tolist()).toEqual([2, 5]);
    expect(x.var(1, false).tolist()).toEqual([2 / 3, 2 / 3].map(Math.fround));
    expect(x.var({ dim: 1, correction: 0 }).tolist()).toEqual([2 / 3, 2 / 3].map(Math.fround));
    expect(torch.var(x, false).item()).toBeCloseTo(35 / 12, 5);
    const [values, indices] = torch.max(x, { dim: 1 });
    expect([values.tolist(), indices.tolist()]).toEqual([[2, 5], [2, 2]]);
    expect(x.max(0, true).values.shape).toEqual([1, 3]);
    expect(torch.max(x, x.neg()).tolist()).toEqual(x.tolist());
    expect(x.softmax({ dim: 1 }).sum(1).tolist().map((v) => Math.round(v as number))).toEqual([1, 1]);
    expect(torch.log_softmax(x, 1, torch.float64)._dtype).toBe('float64');
    expect(torch.cat([x, x], { dim: 1 }).shape).toEqual([2, 6]);
    expect(torch.stack([x, x], 2).shape).toEqual([2, 3, 2]);
    expect(x.clamp({ min: 1 }).tolist()).toEqual([[1, 1, 2], [3, 4, 5]]);
  });

  it("raises the argument parser's TypeErrors", () => {
    expect(() => torch.sum(x, { dim: 1.5 } as never)).toThrow(/^sum\(\) received an invalid combination of arguments - got \(Tensor, dim=float\), but expected one of:\n/);
    expect(() => x.sum({ keep: true } as never)).toThrow(/^sum\(\) received an invalid combination of arguments - got \(keep=bool, \), but expected one of:\n/);
    expect(() => x.mean(0, 'yes' as never)).toThrow(new TypeError("mean(): argument 'keepdim' (position 2) must be bool, not str"));
    expect(() => (torch.softmax as (...a: unknown[]) => unknown)(x)).toThrow(new TypeError('softmax() missing 1 required positional argument: "dim"'));
    expect(() => torch.cat(x as never)).toThrow(new TypeError("cat(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor"));
    // clamp is overloaded (number or tensor bounds): PyTorch lists the overloads
    expect(() => x.clamp({ low: 0 } as never)).toThrow(new TypeError('clamp() received an invalid combination of arguments - got (low=int, ), but expected one of:\n * (Number min, Number max)\n * (Tensor min, Tensor max)'));
  });

  it('reads nn ops positionally or by keyword', () => {
    const img = torch.arange(16, { dtype: torch.float32 }).reshape([1, 1, 4, 4]);
    expect(torch.max_pool2d(img, 2).shape).toEqual([1, 1, 2, 2]);
    expect(torch.max_pool2d(img, { kernel_size: 2, stride: 1 }).shape).toEqual([1, 1, 3, 3]);
    expect(torch.avg_pool2d(img, 2, 2, 1).shape).toEqual([1, 1, 3, 3]);
    expect(torch.adaptive_avg_pool2d(img, [2, null]).shape).toEqual([1, 1, 2, 4]);
    expect(torch.conv2d(img, torch.ones([1, 1, 3, 3]), null, 1, 1).shape).toEqual([1, 1, 4, 4]);
    expect(torch.interpolate(img, null, 2).shape).toEqual([1, 1, 8, 8]);
    expect(torch.dropout(img, 0.5, false)).toBe(img);
    expect(() => torch.conv2d(img, torch.ones([1, 1, 3, 3]), { padding: 'full' as never })).toThrow(/padding/);
    expect(() => torch.mse_loss(img, img, { reduce: 'x' } as never)).toThrow(new TypeError("mse_loss(): argument 'reduce' must be bool, not str"));
  });

  it('warns as PyTorch when a loss target would broadcast, and maps size_average / reduce', () => {
    const warnings: string[] = [];
    const listener = (w: Error): void => void warnings.push(w.message);
    process.on('warning', listener);
    const emit = process.emitWarning;
    process.emitWarning = ((m: string) => warnings.push(m)) as typeof process.emitWarning;
    try {
      const loss = torch.mse_loss(torch.zeros([3, 1]), torch.ones([3]));
      expect(loss.item()).toBe(1);
      torch.l1_loss(torch.zeros([2000, 1]), torch.zeros([2000]));
      expect(torch.mse_loss(torch.zeros([2]), torch.ones([2]), { size_average: false }).item()).toBe(2);
    } finally {
      process.emitWarning = emit;
      process.off('warning', listener);
    }
    expect(warnings).toEqual([
      'Using a target size (torch.Size([3])) that is different to the input size (torch.Size([3, 1])). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.',
      'Using a target size (torch.Size([2000])) that is different to the input size (torch.Size([2000, 1])). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.',
      "size_average and reduce args will be deprecated, please use reduction='sum' instead.",
    ]);
  });
});

describe('x.device, x.to, x.type and iteration', () => {
  const x = torch.tensor([[1, 2], [3, 4]]);
  it('lives on the CPU and moves nowhere else', () => {
    expect(String(x.device)).toBe('cpu');
    expect(x.to('cpu')).toBe(x);
    expect(x.to(torch.device('cpu'))).toBe(x);
    expect(x.cpu()).toBe(x);
    expect(() => x.to('cuda')).toThrow('Torch not compiled with CUDA enabled');
    expect(() => x.cuda()).toThrow('Torch not compiled with CUDA enabled');
  });

  it('converts dtypes through every spelling of to / type', () => {
    expect(x.to(torch.float64)._dtype).toBe('float64');
    expect(x.to('cpu', torch.float64)._dtype).toBe('float64');
    expect(x.to({ dtype: torch.int64 })._dtype).toBe('int64');
    expect(x.to(torch.zeros(1, { dtype: torch.float64 }))._dtype).toBe('float64');
    expect(x.to(torch.float32)).toBe(x);
    expect(x.to(torch.float32, { copy: true }) === x).toBe(false);
    expect(x.type()).toBe('torch.FloatTensor');
    expect(x.double().type()).toBe('torch.DoubleTensor');
    expect(x.type(torch.int64).type()).toBe('torch.LongTensor');
    expect(x.type('torch.DoubleTensor')._dtype).toBe('float64');
    expect(() => x.type('torch.HalfTensor')).toThrow("invalid type: 'torch.HalfTensor'");
    expect(() => x.half()).toThrow(/float16/);
    expect(() => x.to({ dtyp: torch.float64 } as never)).toThrow(new TypeError("to() got an unexpected keyword argument 'dtyp'"));
    expect(() => x.to(3 as never)).toThrow(new TypeError("to(): argument 'device' (position 1) must be torch.device, not int"));
  });

  it('iterates dim 0 like a Python sequence', () => {
    expect([...x].map((r) => r.tolist())).toEqual([[1, 2], [3, 4]]);
    const labels = torch.tensor([1, 0], { dtype: torch.int64 });
    const pairs: [number, number][] = [];
    for (const [i, row] of [...labels].entries()) pairs.push([i, row.item()]);
    expect(pairs).toEqual([[0, 1], [1, 0]]);
    expect(() => [...torch.tensor(3)]).toThrow('iteration over a 0-d tensor');
  });
});
