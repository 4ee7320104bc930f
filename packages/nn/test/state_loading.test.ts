// Loading state never corrupts: Module.load_state_dict keys are keys (even `constructor`, `__proto__`), an
// optimizer refuses state that does not fit its parameters, and step refuses a gradient of the wrong shape.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capture_error } from './fixture_utils.js';

const TRICKY = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'then', 'length', ''];
const key_arb = fc.oneof(fc.constantFrom(...TRICKY), fc.string({ maxLength: 6 }));

function net(): nn.Sequential {
  torch.manual_seed(1);
  return new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
}

const values = (m: nn.Module): unknown => Object.entries(m.state_dict()).map(([k, v]) => [k, v.tolist()]);

/** A state dict as JSON.parse builds one: `__proto__` from the text is an own key like any other. */
function with_key(sd: Record<string, Tensor>, key: string, value: Tensor): Record<string, Tensor> {
  return Object.fromEntries([...Object.entries(sd), [key, value]]);
}

describe('Module.load_state_dict reads keys as keys', () => {
  it('an extra key of any name is unexpected (strict raises and copies nothing; non-strict reports it)', () => {
    fc.assert(
      fc.property(key_arb, (key) => {
        const m = net();
        const own = Object.keys(m.state_dict());
        // a key that names a child module ("0") is neither the child's entry nor unexpected, as in PyTorch
        fc.pre(!own.includes(key) && ![...m.named_children()].some(([name]) => name === key));
        const source = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
        const sd = with_key(source.state_dict(), key, torch.ones([1]));
        const before = values(m);
        const err = capture_error(() => m.load_state_dict(sd));
        expect(err?.message).toBe(`Error(s) in loading state_dict for Sequential:\n\tUnexpected key(s) in state_dict: "${key}". `);
        expect(values(m)).toEqual(before);
        expect(m.load_state_dict(sd, { strict: false })).toEqual({ missing_keys: [], unexpected_keys: [key] });
        expect(values(m)).toEqual(values(source));
      }),
      { numRuns: 40 },
    );
  });

  it('a key naming a child module is passed over, as PyTorch passes it (only keys under a prefix reach the child)', () => {
    const m = net();
    const sd = with_key(with_key(m.state_dict(), '0', torch.ones([1])), '2.foo.bar', torch.ones([1]));
    expect(m.load_state_dict(sd, { strict: false })).toEqual({ missing_keys: [], unexpected_keys: ['2.foo.bar'] });
    expect(() => m.load_state_dict(sd)).toThrow('Unexpected key(s) in state_dict: "2.foo.bar". ');
  });

  it('a missing key is missing even when a tricky key stands in for it, and a Map reads the same', () => {
    for (const key of TRICKY) {
      const m = net();
      const sd = m.state_dict();
      delete sd['2.bias'];
      const given = with_key(sd, key, torch.ones([2]));
      const expected = `Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: "2.bias". \n\tUnexpected key(s) in state_dict: "${key}". `;
      expect(() => m.load_state_dict(given)).toThrow(expected);
      expect(() => m.load_state_dict(new Map(Object.entries(given)))).toThrow(expected);
    }
    const parsed = JSON.parse('{"__proto__": 1}') as Record<string, Tensor>;
    expect(() => net().load_state_dict(parsed)).toThrow('Unexpected key(s) in state_dict: "__proto__"');
  });

  it('refuses what is not dict-like', () => {
    for (const [bad, kind] of [[null, 'NoneType'], [3, 'int'], [[1], 'list'], [torch.ones([1]), 'torch.Tensor']] as const) {
      expect(() => net().load_state_dict(bad as never)).toThrow(new TypeError(`Expected state_dict to be dict-like, got <class '${kind}'>.`));
    }
  });
});

type MakeOpt = (params: Tensor[]) => nn.optim.Optimizer;
const OPTIMIZERS: [string, MakeOpt][] = [
  ['SGD momentum', (p) => new nn.optim.SGD(p, { lr: 0.1, momentum: 0.9 })],
  ['Adam', (p) => new nn.optim.Adam(p, { lr: 0.01 })],
  ['Adam amsgrad', (p) => new nn.optim.Adam(p, { lr: 0.01, amsgrad: true })],
  ['AdamW', (p) => new nn.optim.AdamW(p)],
  ['RMSprop centered momentum', (p) => new nn.optim.RMSprop(p, { momentum: 0.5, centered: true })],
];

/** An optimizer over a small net after two steps (so it has state), and a fresh one to load into. */
function trained(make: MakeOpt): { m: nn.Sequential; opt: nn.optim.Optimizer; fresh: nn.optim.Optimizer } {
  const m = net();
  const opt = make([...m.parameters()]);
  const x = torch.randn([5, 3]);
  for (let i = 0; i < 2; i++) {
    opt.zero_grad();
    m.call(x).pow(2).sum().backward();
    opt.step();
  }
  return { m, opt, fresh: make([...m.parameters()]) };
}

/** What an optimizer holds, to compare before and after a refused load. */
function snapshot(opt: nn.optim.Optimizer): unknown {
  const sd = opt.state_dict();
  return {
    groups: sd.param_groups,
    state: Object.entries(sd.state).map(([k, s]) => [k, Object.entries(s).map(([n, v]) => [n, typeof v === 'number' ? v : v.tolist()])]),
  };
}

describe('Optimizer.load_state_dict validates before it changes anything', () => {
  for (const [name, make] of OPTIMIZERS) {
    it(`${name}: a state tensor of another shape, a bad step, a missing buffer or a mistyped hyper-parameter is refused`, () => {
      const { opt, fresh } = trained(make);
      const good = opt.state_dict();
      const buffers = Object.keys(good.state[0]!).filter((k) => k !== 'step');
      fc.assert(
        fc.property(
          fc.constantFrom(...buffers),
          fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 3 }),
          fc.nat(Object.keys(good.state).length - 1),
          (buffer, shape, which) => {
            const param_shape = (good.state[which]![buffer] as Tensor).shape;
            fc.pre(shape.join() !== param_shape.join());
            const before = snapshot(fresh);
            const sd = { ...good, state: { ...good.state, [which]: { ...good.state[which]!, [buffer]: torch.zeros(shape) } } };
            expect(() => fresh.load_state_dict(sd)).toThrow(`loaded state dict has a '${buffer}' of a tensor of shape [${shape.join(', ')}] for parameter ${which}, but the parameter has shape [${param_shape.join(', ')}]`);
            expect(snapshot(fresh)).toEqual(before);
          },
        ),
        { numRuns: 15 },
      );
      const before = snapshot(fresh);
      const bad_steps: unknown[] = [-1, Number.NaN, Infinity, torch.ones([2]), 'one'];
      for (const step of bad_steps) {
        const sd = { ...good, state: { ...good.state, 0: { ...good.state[0]!, step } } };
        expect(() => fresh.load_state_dict(sd as never)).toThrow(`loaded state dict has a 'step' of`);
      }
      const lr_text = { ...good, param_groups: good.param_groups.map((g) => ({ ...g, lr: '0.1' })) };
      expect(() => fresh.load_state_dict(lr_text)).toThrow(`loaded state dict has a parameter group 0 whose 'lr' is '0.1', but`);
      if (!name.startsWith('SGD')) {
        const lacking = { ...good, state: { ...good.state, 1: Object.fromEntries(Object.entries(good.state[1]!).filter(([k]) => k !== buffers.at(-1))) } };
        expect(() => fresh.load_state_dict(lacking as never)).toThrow(`loaded state dict has a state for parameter 1 without '${buffers.at(-1)}'`);
      }
      expect(snapshot(fresh)).toEqual(before);
      fresh.load_state_dict(good);
      expect(snapshot(fresh)).toEqual(snapshot(opt));
    });
  }

  it('state and group keys named like Object.prototype members stay plain keys', () => {
    const { opt, fresh } = trained(OPTIMIZERS[0]![1]);
    const sd = opt.state_dict();
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "constructor": 3}') as Record<string, unknown>;
    const groups = sd.param_groups.map((g) => ({ ...g, ...parsed }));
    fresh.load_state_dict({ ...sd, param_groups: groups });
    const group = fresh.param_groups[0] as Record<string, unknown>;
    expect(Object.getPrototypeOf(group)).toBe(Object.prototype);
    expect(Object.hasOwn(group, '__proto__') && group['constructor']).toBe(3);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('Optimizer.step refuses a gradient that does not match its parameter', () => {
  for (const [name, make] of OPTIMIZERS) {
    it(`${name}: wrong shape or dtype throws before any parameter or state changes`, () => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 3 }), fc.constantFrom<'float32' | 'float64'>('float32', 'float64'), (shape, dtype) => {
          const { m, opt } = trained(make);
          const params = [...m.parameters()];
          const target = params[2]!; // the second Linear's weight, [2, 4]; the ones before it are valid
          fc.pre(shape.join() !== target.shape.join() || dtype !== target._dtype);
          for (const p of params) p.grad = torch.ones(p.shape);
          target._grad = torch.ones(shape, { dtype }); // as a buggy extension could, past the .grad setter's checks
          const before = [values(m), snapshot(opt)];
          const err = capture_error(() => opt.step());
          const expected = shape.join() !== target.shape.join()
            ? `the gradient of parameter 2 has shape [${shape.join(', ')}], but the parameter has shape [2, 4]`
            : 'the gradient of parameter 2 has dtype torch.float64, but the parameter has dtype torch.float32';
          expect(err?.message).toBe(expected);
          expect([values(m), snapshot(opt)]).toEqual(before);
        }),
        { numRuns: 10 },
      );
    });
  }
});

describe('lr_scheduler.load_state_dict checks fields before it restores any', () => {
  it('refuses an optimizer entry and fields of another kind; keeps __proto__ a plain key', () => {
    const opt = new nn.optim.SGD([torch.zeros([2]).requires_grad_()], { lr: 0.1 });
    const sched = new nn.optim.lr_scheduler.StepLR(opt, 2);
    sched.step();
    const good = sched.state_dict();
    const fresh = new nn.optim.lr_scheduler.StepLR(new nn.optim.SGD([torch.zeros([2]).requires_grad_()], { lr: 0.1 }), 2);
    const before = fresh.state_dict();
    expect(() => fresh.load_state_dict({ ...good, optimizer: {} })).toThrow("scheduler state dict holds an 'optimizer' entry");
    expect(() => fresh.load_state_dict({ ...good, last_epoch: '3' })).toThrow(`scheduler state dict has 'last_epoch' = "3", but StepLR keeps a number there`);
    expect(() => fresh.load_state_dict({ ...good, base_lrs: 0.1 })).toThrow("keeps a list there");
    expect(fresh.state_dict()).toEqual(before);
    fresh.load_state_dict(JSON.parse(JSON.stringify({ ...good, __proto__x: 1 }).replace('__proto__x', '__proto__')) as Record<string, unknown>);
    expect(Object.getPrototypeOf(fresh)).toBe(nn.optim.lr_scheduler.StepLR.prototype);
    expect(fresh.last_epoch).toBe(good['last_epoch']);
  });
});
