// Padding modules: ConstantPad1d/2d/3d, ZeroPad1d/2d/3d, ReflectionPad1d/2d/3d, ReplicationPad1d/2d/3d,
// CircularPad1d/2d/3d. The padding is stored as PyTorch stores it: a tuple of 2·n amounts, last dim first.
import * as torch from '@tsgrad/core';
import { signature, type Tensor } from '@tsgrad/core';
import { Module } from '../module.js';
import { py_float, py_repr } from '../python_repr.js';

type Amounts = number | number[];

/** `padding` as a tuple of `2n` amounts (an int pads every side by it). */
function amounts(name: string, padding: Amounts, n: number): number[] {
  if (typeof padding === 'number') {
    if (!Number.isInteger(padding)) throw new TypeError(`${name}(): argument 'padding' must be int or tuple of ints, not float`);
    return new Array<number>(2 * n).fill(padding);
  }
  if (padding.length !== 2 * n || padding.some((p) => !Number.isInteger(p))) {
    throw new Error(`${name}: padding must be an int or a tuple of ${2 * n} ints, got ${py_repr(padding)}`);
  }
  return [...padding];
}

/** A padding module of rank `n` and `mode`; subclasses only name themselves. */
abstract class PadNd extends Module {
  readonly padding: number[];
  constructor(name: string, padding: Amounts, n: number, protected readonly mode: 'constant' | 'reflect' | 'replicate' | 'circular', readonly value = 0) {
    super();
    this.padding = amounts(name, padding, n);
  }
  override forward(input: Tensor): Tensor {
    return this.mode === 'constant' ? torch.pad(input, this.padding, 'constant', this.value) : torch.pad(input, this.padding, this.mode);
  }
  override extra_repr(): string {
    return py_repr(this.padding);
  }
}

const CONSTANT = (name: string) => signature<{ padding: Amounts; value: number }>(`${name}(Any padding, float value)`);
const CONSTANT_SIGS = { 1: CONSTANT('ConstantPad1d'), 2: CONSTANT('ConstantPad2d'), 3: CONSTANT('ConstantPad3d') };

/** Pads with a constant: `padding=(…), value=v` in the repr. */
abstract class ConstantPadNd extends PadNd {
  constructor(name: string, n: 1 | 2 | 3, args: readonly unknown[]) {
    const a = CONSTANT_SIGS[n].parse(args);
    super(name, a.padding, n, 'constant', a.value);
  }
  override extra_repr(): string {
    return `padding=${py_repr(this.padding)}, value=${py_float(this.value)}`;
  }
}

type ConstantArgs = [padding: Amounts, value: number] | [padding: Amounts, options: { value: number }] | [options: { padding: Amounts; value: number }];
/**
 * Pads the last dim with a constant: `padding` is one int for both sides or `[left, right]`.
 *
 * @example
 * new nn.ConstantPad1d(2, 3.5)
 */
export class ConstantPad1d extends ConstantPadNd {
  static override readonly __name__: string = 'ConstantPad1d';
  constructor(...args: ConstantArgs) {
    super('ConstantPad1d', 1, args);
  }
}
/**
 * Pads the last two dims with a constant: `padding` is one int or `[left, right, top, bottom]`.
 *
 * @example
 * new nn.ConstantPad2d([1, 2, 0, 1], 0.5)
 */
export class ConstantPad2d extends ConstantPadNd {
  static override readonly __name__: string = 'ConstantPad2d';
  constructor(...args: ConstantArgs) {
    super('ConstantPad2d', 2, args);
  }
}
/**
 * Pads the last three dims with a constant: `padding` is one int or `[left, right, top, bottom, front, back]`.
 *
 * @example
 * new nn.ConstantPad3d(1, 2)
 */
export class ConstantPad3d extends ConstantPadNd {
  static override readonly __name__: string = 'ConstantPad3d';
  constructor(...args: ConstantArgs) {
    super('ConstantPad3d', 3, args);
  }
}

const PADDING_ONLY = (name: string) => signature<{ padding: Amounts }>(`${name}(Any padding)`);
type PaddingArgs = [padding: Amounts] | [options: { padding: Amounts }];

/** The zero / reflection / replication / circular padding classes, one per rank and mode. */
function pad_class(name: string, n: 1 | 2 | 3, mode: 'constant' | 'reflect' | 'replicate' | 'circular'): new (...args: PaddingArgs) => PadNd {
  const sig = PADDING_ONLY(name);
  const cls = class extends PadNd {
    static override readonly __name__: string = name;
    constructor(...args: PaddingArgs) {
      super(name, sig.parse(args).padding, n, mode);
    }
  };
  return cls;
}

/** Zero padding. @example new nn.ZeroPad2d(1) */
export const ZeroPad1d = pad_class('ZeroPad1d', 1, 'constant');
export const ZeroPad2d = pad_class('ZeroPad2d', 2, 'constant');
export const ZeroPad3d = pad_class('ZeroPad3d', 3, 'constant');
/** Reflection of the input at its border (the border element itself not repeated). @example new nn.ReflectionPad2d(1) */
export const ReflectionPad1d = pad_class('ReflectionPad1d', 1, 'reflect');
export const ReflectionPad2d = pad_class('ReflectionPad2d', 2, 'reflect');
export const ReflectionPad3d = pad_class('ReflectionPad3d', 3, 'reflect');
/** Repetition of the border element. @example new nn.ReplicationPad1d(2) */
export const ReplicationPad1d = pad_class('ReplicationPad1d', 1, 'replicate');
export const ReplicationPad2d = pad_class('ReplicationPad2d', 2, 'replicate');
export const ReplicationPad3d = pad_class('ReplicationPad3d', 3, 'replicate');
/** Wrap-around padding. @example new nn.CircularPad2d(1) */
export const CircularPad1d = pad_class('CircularPad1d', 1, 'circular');
export const CircularPad2d = pad_class('CircularPad2d', 2, 'circular');
export const CircularPad3d = pad_class('CircularPad3d', 3, 'circular');
