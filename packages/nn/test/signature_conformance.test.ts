// Every spelling PyTorch's signature allows, and some it refuses, replayed from real PyTorch: fixtures/signatures.
// Each *.json there is written by its make_*.py (sigcase.py explains the format): one call per function or
// constructor, expanded into positional / keyword spellings, an unknown keyword and wrong kinds, with PyTorch's
// result or error for each.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';

type Encoded = null | boolean | number | string | Encoded[] | { $t: (number | string | boolean)[]; shape: number[]; dtype: string } | { $dtype: string } | { $device: string } | { $repr: string } | { $f: string } | { $dict: Record<string, Encoded> }
  | { $module: string; args: Encoded[]; kwargs: Record<string, Encoded> } | { $params: number[][] } | { $groups: Record<string, Encoded>[] };
interface Spelling {
  args: Encoded[];
  kwargs: Record<string, Encoded>;
  ok?: Encoded;
  error?: string;
  message?: string;
  wrong_kind?: number;
}
interface Case {
  target: string;
  random: boolean;
  note: string | null;
  spellings: Spelling[];
}

const DIR = new URL('./fixtures/signatures/', import.meta.url);
const FAMILIES = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

function num(v: number | string | boolean): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 'nan') return Number.NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return Number(v);
}

/** A fresh JS value for an encoded argument (tensors are new objects each time: in-place ops may change them). */
function decode(v: Encoded): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(decode);
  if ('$t' in v) {
    const data = v.$t.map(num);
    const dtype = v.dtype as torch.DType;
    // cloned: a reshape of the flat data is a view, and PyTorch's arguments are not (detach_ & co tell)
    return torch.tensor(dtype === 'bool' ? data.map((x) => x !== 0) : data, { dtype }).reshape(v.shape).clone();
  }
  if ('$dtype' in v) return torch.dtype_object(v.$dtype as torch.DType);
  if ('$device' in v) return torch.device(v.$device);
  if ('$f' in v) return num(v.$f);
  if ('$dict' in v) return new Map(Object.entries(v.$dict).map(([k, e]) => [k, decode(e)]));
  if ('$module' in v) {
    // an object argument (sigcase's M): built afresh, as the constructor call it records
    const kwargs = Object.fromEntries(Object.entries(v.kwargs).map(([k, e]) => [k, decode(e)]));
    const args = [...v.args.map(decode), ...(Object.keys(kwargs).length > 0 ? [kwargs] : [])];
    return v.$module.includes('.') ? construct(v.$module, args) : construct(`nn.${v.$module}`, args);
  }
  if ('$params' in v) return v.$params.map((shape) => torch.zeros(shape).requires_grad_(true));
  throw new Error(`cannot decode ${JSON.stringify(v)}`);
}

type Fn = (...args: unknown[]) => unknown;
type Ctor = new (...args: unknown[]) => unknown;

/** The namespace object behind a target's prefix (classes and functions of nn, optim, lr_scheduler, data). */
const SPACES: Record<string, object> = { nn, optim: nn.optim, lr_scheduler: nn.optim.lr_scheduler, data: nn.data };

/** `new space.Name(...args)` for a class target ('nn.Linear', 'optim.SGD', 'data.Subset'). */
function construct(target: string, args: unknown[]): unknown {
  const [space, name] = target.split('.') as [string, string];
  const C = (SPACES[space] as Record<string, Ctor | undefined> | undefined)?.[name];
  if (C === undefined) throw new Error(`${target} does not exist`);
  return new C(...args);
}

/** What sigcase records for a result: a dataset's items, a DataLoader's batches, a sampler's indices. */
function as_recorded(v: unknown): unknown {
  if (v instanceof nn.data.DataLoader || v instanceof nn.data.Sampler) return [...(v as Iterable<unknown>)].map(as_recorded);
  if (v instanceof nn.data.Dataset) {
    const ds = v as unknown as { length: number; get(i: number): unknown };
    return Array.from({ length: ds.length }, (_, i) => as_recorded(ds.get(i)));
  }
  if (Array.isArray(v)) return v.map(as_recorded);
  return v;
}

/** sigcase's lr_trace: the learning rate of group 0 after each of 5 epochs (optimizer.step(), then scheduler.step()). */
function lr_trace(scheduler: nn.optim.lr_scheduler.LRScheduler): number[] {
  const lrs: number[] = [];
  for (let i = 0; i < 5; i++) {
    scheduler.optimizer.step();
    scheduler.step();
    lrs.push(scheduler.optimizer.param_groups[0]!.lr as number);
  }
  return lrs;
}

function invoke(target: string, args: unknown[]): unknown {
  const dot = target.indexOf('.');
  const space = target.slice(0, dot);
  const name = target.slice(dot + 1);
  const lookup = (ns: object): Fn => {
    const f = (ns as Record<string, unknown>)[name];
    if (typeof f !== 'function') throw new Error(`${target} does not exist`);
    return f as Fn;
  };
  switch (space) {
    case 'torch':
      return lookup(torch)(...args);
    case 'F':
      return lookup(nn.functional)(...args);
    case 'linalg':
      return lookup(torch.linalg)(...args);
    case 'Tensor': {
      const self = args[0] as Tensor;
      return lookup(self).apply(self, args.slice(1));
    }
    case 'nn':
    case 'optim':
      return construct(target, args);
    case 'lr_scheduler':
      return lr_trace(construct(target, args) as nn.optim.lr_scheduler.LRScheduler);
    case 'data':
      return as_recorded(/^[A-Z]/.test(name) ? construct(target, args) : lookup(nn.data)(...args));
    default:
      throw new Error(`unknown namespace in ${target}`);
  }
}

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= 1e-5 + 1e-4 * Math.abs(b);
}

/** Where `got` differs from PyTorch's encoded result, a short description; null when they agree. */
function differ(got: unknown, want: Encoded, path = 'result'): string | null {
  if (want === null) return got === null || got === undefined ? null : `${path}: expected None, got ${String(got)}`;
  if (typeof want !== 'object') {
    if (typeof want === 'number' && typeof got === 'number') return close(got, want) ? null : `${path}: ${got} vs ${want}`;
    return got === want ? null : `${path}: ${String(got)} vs ${String(want)}`;
  }
  if (Array.isArray(want)) {
    const arr = got instanceof torch.Size ? [...got] : got;
    if (!Array.isArray(arr) || arr.length !== want.length) return `${path}: expected a sequence of ${want.length}, got ${String(got)}`;
    for (let i = 0; i < want.length; i++) {
      const d = differ(arr[i], want[i]!, `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  if ('$t' in want) {
    if (!(got instanceof Tensor)) return `${path}: expected a Tensor, got ${typeof got}`;
    if (JSON.stringify(got.shape) !== JSON.stringify(want.shape)) return `${path}: shape [${got.shape}] vs [${want.shape}]`;
    if (got._dtype !== want.dtype) return `${path}: dtype ${got._dtype} vs ${want.dtype}`;
    const vals = got.reshape(-1).tolist() as (number | boolean)[];
    for (let i = 0; i < vals.length; i++) if (!close(num(vals[i]!), num(want.$t[i]!))) return `${path}[${i}]: ${vals[i]} vs ${want.$t[i]}`;
    return null;
  }
  if ('$groups' in want) {
    const groups = (got as { param_groups?: Record<string, unknown>[] }).param_groups;
    if (!Array.isArray(groups) || groups.length !== want.$groups.length) return `${path}: expected ${want.$groups.length} parameter groups`;
    for (let i = 0; i < groups.length; i++) {
      for (const [k, e] of Object.entries(want.$groups[i]!)) {
        const d = differ(groups[i]![k], e, `${path}.param_groups[${i}].${k}`);
        if (d !== null) return d;
      }
    }
    return null;
  }
  if ('$repr' in want) return String(got) === want.$repr ? null : `${path}: ${String(got)} vs ${want.$repr}`;
  if ('$dtype' in want) return String(got) === `torch.${want.$dtype}` || got === want.$dtype ? null : `${path}: ${String(got)} vs torch.${want.$dtype}`;
  if ('$f' in want) return close(num(got as number), num(want.$f)) ? null : `${path}: ${String(got)} vs ${want.$f}`;
  return `${path}: cannot compare with ${JSON.stringify(want)}`;
}

function spell(s: Spelling): string {
  const kw = Object.keys(s.kwargs);
  return `${s.args.length} positional${kw.length > 0 ? `, keywords ${kw.join(', ')}` : ''}${s.wrong_kind !== undefined ? `, argument ${s.wrong_kind + 1} of a wrong kind` : ''}`;
}

for (const file of FAMILIES) {
  const { cases } = JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as { cases: Case[] };
  describe(`signatures: ${file}`, () => {
    for (const c of cases) {
      it(c.target + (c.note !== null ? ` (${c.note})` : ''), () => {
        const problems: string[] = [];
        for (const s of c.spellings) {
          const args = s.args.map(decode);
          const kwargs = Object.fromEntries(Object.entries(s.kwargs).map(([k, v]) => [k, decode(v)]));
          if (Object.keys(kwargs).length > 0) args.push(kwargs);
          if (c.random) torch.manual_seed(0);
          let got: unknown;
          let thrown: unknown = undefined;
          try {
            got = invoke(c.target, args);
          } catch (e) {
            thrown = e;
          }
          if (s.error === undefined) {
            if (thrown !== undefined) problems.push(`${spell(s)}: threw ${String(thrown)}`);
            else {
              const d = differ(got, s.ok!);
              if (d !== null) problems.push(`${spell(s)}: ${d}`);
            }
            continue;
          }
          if (thrown === undefined) {
            problems.push(`${spell(s)}: PyTorch raises ${s.error}: ${s.message}; tsgrad returned`);
            continue;
          }
          const message = thrown instanceof Error ? thrown.message : String(thrown);
          if (s.error === 'TypeError' && !(thrown instanceof TypeError)) problems.push(`${spell(s)}: PyTorch raises TypeError: ${s.message}; tsgrad threw ${String(thrown)}`);
          else if (/got an unexpected keyword argument/.test(s.message!) && message !== s.message) problems.push(`${spell(s)}: '${message}' vs PyTorch's '${s.message}'`);
          else {
            const named = /^\w+\(\): argument '(\w+)'/.exec(s.message!);
            if (named !== null && !message.includes(`'${named[1]}'`)) problems.push(`${spell(s)}: the error does not name '${named[1]}': ${message}`);
          }
        }
        expect(problems).toEqual([]);
      });
    }
  });
}
