// nn.SyncBatchNorm without a distributed run: BatchNorm's numbers on inputs of any rank, PyTorch's repr and
// errors, and convert_sync_batchnorm's swap (reprs printed by PyTorch 1.13 for the same calls).
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import * as nn from '@tsgrad/nn';

describe('nn.SyncBatchNorm', () => {
  it.each([
    [[6, 3], nn.BatchNorm1d],
    [[4, 3, 5], nn.BatchNorm1d],
    [[2, 3, 4, 4], nn.BatchNorm2d],
    [[2, 3, 2, 3, 2], nn.BatchNorm3d],
  ] as const)('normalises %j as %o does, in train and eval, running statistics alike', (shape, Plain) => {
    torch.manual_seed(3);
    const x = torch.randn([...shape]);
    const sync = new nn.SyncBatchNorm(3, { momentum: 0.3 });
    const plain = new Plain(3, { momentum: 0.3 });
    for (const m of [sync, plain]) {
      m.weight!.data.copy_(torch.tensor([0.5, 1.5, -1]));
      m.bias!.data.copy_(torch.tensor([0.1, 0, -0.2]));
    }
    for (let step = 0; step < 2; step++) expect(sync.call(x).tolist()).toEqual(plain.call(x).tolist());
    expect(sync.running_mean!.tolist()).toEqual(plain.running_mean!.tolist());
    expect(sync.running_var!.tolist()).toEqual(plain.running_var!.tolist());
    expect(sync.num_batches_tracked!.item()).toBe(2);
    sync.eval();
    plain.eval();
    expect(sync.call(x).tolist()).toEqual(plain.call(x).tolist());
    const out = new nn.SyncBatchNorm(3).call(x.requires_grad_());
    expect(out.grad_fn!.name()).toBe('NativeBatchNormBackward0');
  });

  it("takes PyTorch's signature and prints PyTorch's repr", () => {
    expect(String(new nn.SyncBatchNorm(5, 1e-3, null, false, false, null))).toBe('SyncBatchNorm(5, eps=0.001, momentum=None, affine=False, track_running_stats=False)');
    const group = { ranks: [0, 1] };
    const m = new nn.SyncBatchNorm({ num_features: 4, process_group: group, dtype: torch.float64 });
    expect(m.process_group).toBe(group);
    expect(m.weight!.dtype).toBe(torch.float64);
    expect(() => new nn.SyncBatchNorm(4, { group: 1 } as never)).toThrow(new TypeError("SyncBatchNorm() got an unexpected keyword argument 'group'"));
  });

  it("refuses what PyTorch refuses, in its words", () => {
    const m = new nn.SyncBatchNorm(3);
    expect(() => m.call(torch.randn([3]))).toThrow('expected at least 2D input (got 1D input)');
    expect(() => new nn.SyncBatchNorm(0).call(torch.randn([2, 0, 3]))).toThrow('SyncBatchNorm number of input channels should be non-zero');
    expect(m.num_batches_tracked!.item()).toBe(0);
  });

  it('convert_sync_batchnorm swaps every batch norm, sharing parameters and buffers, keeping the rest', () => {
    const inner = new nn.Sequential(new nn.ReLU(), new nn.BatchNorm2d(4, { affine: false, eps: 1e-3 }));
    const bn = new nn.BatchNorm2d(4, { momentum: null });
    const conv = new nn.Conv2d(3, 4, 3);
    const net = new nn.Sequential(conv, bn, inner, new nn.InstanceNorm2d(4));
    const out = nn.SyncBatchNorm.convert_sync_batchnorm(net);
    expect(out).toBe(net);
    expect(String(out)).toBe([
      'Sequential(',
      '  (0): Conv2d(3, 4, kernel_size=(3, 3), stride=(1, 1))',
      '  (1): SyncBatchNorm(4, eps=1e-05, momentum=None, affine=True, track_running_stats=True)',
      '  (2): Sequential(',
      '    (0): ReLU()',
      '    (1): SyncBatchNorm(4, eps=0.001, momentum=0.1, affine=False, track_running_stats=True)',
      '  )',
      '  (3): InstanceNorm2d(4, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)',
      ')',
    ].join('\n'));
    const sync = net.at(1) as nn.SyncBatchNorm;
    expect(net.at(0)).toBe(conv);
    expect(net.at(2)).toBe(inner);
    expect(sync.weight).toBe(bn.weight);
    expect(sync.running_mean).toBe(bn.running_mean);
    expect(sync.num_batches_tracked).toBe(bn.num_batches_tracked);
    expect([...net.named_parameters()].map(([k]) => k)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    expect(Object.keys(net.state_dict())).toContain('2.1.running_var');
    const alone = nn.SyncBatchNorm.convert_sync_batchnorm(new nn.BatchNorm1d(3));
    expect(String(alone)).toBe('SyncBatchNorm(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
  });
});
