// torch.save / torch.load: trees of tensors and plain data round-trip through one safetensors file.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';

const dir = mkdtempSync(join(tmpdir(), 'tsgrad-save-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const t = (v: number[], dtype?: torch.DType) => torch.tensor(v, dtype === undefined ? {} : { dtype });

describe('torch.save / torch.load', () => {
  it('round-trips a state dict in its own key order, dtypes and values kept', () => {
    const sd = { 'fc.weight': t([1.5, -2]), 'a.bias': t([3], 'float64'), 'steps': t([7], 'int64'), 'mask': t([1, 0], 'bool') };
    const path = join(dir, 'sd.pt');
    torch.save(sd, path);
    const back = torch.load(path);
    expect(Object.keys(back)).toEqual(Object.keys(sd));
    for (const [k, v] of Object.entries(sd)) {
      expect(back[k]!._dtype).toBe(v._dtype);
      expect(back[k]!.tolist()).toEqual(v.tolist());
    }
    // the file is plain safetensors: the same names for any safetensors reader (PyTorch's load_file included)
    expect(Object.keys(torch.deserialize(readFileSync(path)).tensors).sort()).toEqual(Object.keys(sd).sort());
  });

  it('round-trips a single tensor, and a checkpoint tree with numbers, strings, arrays, Maps and a shared tensor', () => {
    const x = torch.tensor([[1, 2], [3, 4]]);
    expect(torch.load<torch.Tensor>(torch.save(x, null)).tolist()).toEqual([[1, 2], [3, 4]]);
    const w = t([0.5]);
    const ckpt = {
      epoch: 3, loss: Number.NaN, best: Number.POSITIVE_INFINITY, name: 'run', done: false, note: null,
      model: { 'w': w },
      optimizer: { state: { 0: { momentum_buffer: t([0.25]), step: t([2]) } }, param_groups: [{ lr: 0.1, betas: [0.9, 0.999], params: [0] }] },
      by_index: new Map<number, torch.Tensor>([[0, w]]),
      tricky: { $tensor: 'not a tensor' },
    };
    const back = torch.load<typeof ckpt>(torch.save(ckpt, null));
    expect(back.epoch).toBe(3);
    expect(back.loss).toBeNaN();
    expect(back.best).toBe(Number.POSITIVE_INFINITY);
    expect([back.name, back.done, back.note]).toEqual(['run', false, null]);
    expect(back.optimizer.param_groups).toEqual([{ lr: 0.1, betas: [0.9, 0.999], params: [0] }]);
    expect(back.optimizer.state[0]!.momentum_buffer.tolist()).toEqual([0.25]);
    expect(back.tricky).toEqual({ $tensor: 'not a tensor' });
    expect(back.by_index).toBeInstanceOf(Map);
    expect(back.by_index.get(0)).toBe(back.model.w); // stored once, loaded as one tensor
    // nested tensors are named by their dotted path, as PyTorch names nested state
    expect(Object.keys(torch.deserialize(torch.save(ckpt, null)).tensors).sort()).toEqual(['model.w', 'optimizer.state.0.momentum_buffer', 'optimizer.state.0.step']);
  });

  it('loads a safetensors file written elsewhere as its state dict, from a path or bytes', () => {
    const bytes = torch.serialize({ b: t([2]), a: t([1]) });
    expect(Object.keys(torch.load(bytes)).sort()).toEqual(['a', 'b']);
    expect(torch.load(bytes, { map_location: 'cpu', weights_only: true }).a!.tolist()).toEqual([1]);
  });

  it('refuses what it cannot save, writing nothing', () => {
    const path = join(dir, 'bad.pt');
    class Thing {}
    expect(() => torch.save({ m: new Thing() }, path)).toThrow("torch.save: cannot save a Thing (at 'm'): save its state_dict() instead");
    const cyclic: Record<string, unknown> = { a: t([1]) };
    cyclic.self = cyclic;
    expect(() => torch.save(cyclic, path)).toThrow("torch.save: the object refers to itself (at 'self')");
    expect(() => torch.save({ f: () => 1 }, path)).toThrow("torch.save: cannot save a value of type function (at 'f')");
    expect(() => torch.save({ 'a.b': t([1]), a: { b: t([2]) } }, path)).toThrow("torch.save: two entries are both named 'a.b' once flattened");
    expect(existsSync(path)).toBe(false);
    expect(() => torch.save(t([1]), 3 as unknown as string)).toThrow(TypeError);
    expect(() => torch.load(join(dir, 'missing.pt'))).toThrow(/ENOENT/);
  });
});
