// Anomaly detection (torch.autograd.detect_anomaly / set_detect_anomaly): forward tracebacks kept on the nodes
// made while it is on, printed when their backward fails, and backward results checked for NaN.
import { signature } from '../signature.js';
import { warn } from './messages.js';
import { make_guard, run_in, type EnterMode, type ModeGuard } from './mode_guard.js';
import type { Grad, Node } from './node.js';
import type { Tensor } from '../tensor.js';

let enabled = false;
let check_nan = true;

/**
 * PyTorch's `torch.is_anomaly_enabled()`: whether anomaly detection is on.
 *
 * @example
 * torch.autograd.detect_anomaly(() => torch.is_anomaly_enabled()); // true
 */
export function is_anomaly_enabled(): boolean {
  return enabled;
}

/**
 * PyTorch's `torch.is_anomaly_check_nan_enabled()`: whether anomaly detection also checks backward for NaN.
 *
 * @example
 * torch.autograd.detect_anomaly(false, () => torch.is_anomaly_check_nan_enabled()); // false
 */
export function is_anomaly_check_nan_enabled(): boolean {
  return check_nan;
}

function anomaly_enter(mode: boolean, nan: boolean): EnterMode {
  return () => {
    const prev = enabled;
    const prev_nan = check_nan;
    enabled = mode;
    check_nan = nan;
    return () => {
      enabled = prev;
      check_nan = prev_nan;
    };
  };
}

const DETECT = signature<{ check_nan: boolean | (() => unknown); func: (() => unknown) | null }>('detect_anomaly(bool|Callable check_nan=True, Callable? func=None)');

/**
 * Turns anomaly detection on (PyTorch's `torch.autograd.detect_anomaly(check_nan=True)`): every node made keeps
 * the JavaScript stack of the forward call that made it, printed as a warning when that node's backward fails
 * (with the node that was running when it was made, for double backward); with `check_nan`, a backward result
 * holding NaN raises "Function 'XBackward0' returned nan values in its 0th output.". Warns that it slows things
 * down. With a callback, runs it in that mode; without one, returns a guard for `using`.
 *
 * @example
 * torch.autograd.detect_anomaly(() => loss.backward());
 * { using _a = torch.autograd.detect_anomaly(); const y = f(x); y.backward(); }
 */
export function detect_anomaly(check_nan?: boolean | { check_nan?: boolean }): ModeGuard;
export function detect_anomaly<T>(fn: () => T): T;
export function detect_anomaly<T>(check_nan: boolean, fn: () => T): T;
export function detect_anomaly(...args: unknown[]): unknown {
  const a = DETECT.parse(args);
  const fn = typeof a.check_nan === 'function' ? a.check_nan : a.func;
  const nan = typeof a.check_nan === 'function' ? true : a.check_nan;
  warn('Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled for debugging.');
  return fn === null ? make_guard(anomaly_enter(true, nan), true) : run_in(anomaly_enter(true, nan), fn);
}

const SET_DETECT = signature<{ mode: boolean; check_nan: boolean }>('set_detect_anomaly(bool mode, bool check_nan=True)');

/**
 * Sets anomaly detection on or off at once (PyTorch's `torch.autograd.set_detect_anomaly(mode, check_nan=True)`);
 * the returned guard restores the previous setting when disposed (`using`), as PyTorch's context-manager form.
 *
 * @example
 * torch.autograd.set_detect_anomaly(true);
 */
export function set_detect_anomaly(...args: [mode: boolean, check_nan?: boolean | { check_nan?: boolean }] | [{ mode: boolean; check_nan?: boolean }]): ModeGuard {
  const a = SET_DETECT.parse(args);
  return make_guard(anomaly_enter(a.mode, a.check_nan), a.mode);
}

/** The node whose backward is running under anomaly detection (the parent of nodes made meanwhile), or null. */
let running: Node | null = null;

/**
 * Keeps the forward stack on a node made while anomaly detection is on (`metadata['traceback_']`) and, during a
 * backward, the node being run (`metadata['parent_']`), as PyTorch's anomaly metadata.
 *
 * @hidden
 */
export function record_forward_trace(node: Node): void {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  // drop the 'Error' line and the frames of the node's construction itself
  const frames = stack.split('\n').slice(1).filter((l) => !/[\\/]autograd[\\/](anomaly_mode|node)\.[jt]s/.test(l));
  node.metadata['traceback_'] = frames.join('\n');
  if (running !== null) node.metadata['parent_'] = running;
}

function print_stack(node: Node): void {
  const trace = node.metadata['traceback_'];
  if (typeof trace !== 'string') {
    warn(`Error detected in ${node.name()}. No forward pass information available. Enable detect anomaly during forward pass for more information.`);
    return;
  }
  warn(`Error detected in ${node.name()}. Traceback of forward call that caused the error:\n${trace}`);
  let parent = node.metadata['parent_'];
  while (parent instanceof Object && 'metadata' in parent) {
    const p = parent as Node;
    const ptrace = p.metadata['traceback_'];
    warn(`\n\nPrevious calculation was induced by ${p.name()}. Traceback of forward call that induced the previous calculation:\n${typeof ptrace === 'string' ? ptrace : ''}`);
    parent = p.metadata['parent_'];
  }
}

function has_nan(g: Tensor): boolean {
  const data = g._contiguous_data();
  for (let i = 0; i < data.length; i++) if (Number.isNaN(data[i])) return true;
  return false;
}

/**
 * Runs one node's backward (`call`) under anomaly detection: nodes made meanwhile get it as parent, a NaN in its
 * results raises PyTorch's error (with `check_nan`), and any error first prints the forward stack that made it.
 *
 * @hidden
 */
export function call_with_anomaly(node: Node, call: () => Grad[]): Grad[] {
  const prev = running;
  running = node;
  try {
    const outputs = call();
    if (check_nan) {
      for (let i = 0; i < outputs.length; i++) {
        const g = outputs[i];
        if (g != null && has_nan(g)) throw new Error(`Function '${node.name()}' returned nan values in its ${i}th output.`);
      }
    }
    return outputs;
  } catch (e) {
    print_stack(node);
    throw e;
  } finally {
    running = prev;
  }
}
