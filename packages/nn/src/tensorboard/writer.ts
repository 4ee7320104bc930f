// SummaryWriter (Node): PyTorch's torch.utils.tensorboard writer; events are appended synchronously to the file.
import type * as fs from 'node:fs';
import type * as os from 'node:os';
import type * as zlib from 'node:zlib';
import { is_tensor, signature, type PyArgs, type Tensor } from '@tsgrad/core';
import { graph_def, type GraphModel } from './graph.js';
import { encode_event, type SummaryValue } from './proto.js';
import { encode_record } from './record.js';
import { histogram_value, image_value, scalar_value, text_value } from './summary.js';

interface Builtins {
  'node:fs': typeof fs;
  'node:os': typeof os;
  'node:zlib': typeof zlib;
}

/** A Node built-in, fetched at call time so that importing @tsgrad/nn in a browser touches no Node API. */
function node_builtin<K extends keyof Builtins>(name: K): Builtins[K] {
  const get_builtin = typeof process === 'undefined' ? undefined : process.getBuiltinModule;
  if (typeof get_builtin !== 'function') throw new Error(`SummaryWriter needs Node.js >= 20.16 (${name})`);
  return get_builtin(name) as Builtins[K];
}

let file_uid = 0;

/** One event file in `log_dir`; each event is written (appended) before the call that made it returns. */
class EventFileWriter {
  readonly path: string;
  private fd: number | null;

  /**
   * @param log_dir - The folder the event file is created in (made if missing).
   * @param filename_suffix - Appended to the event file's name.
   */
  constructor(readonly log_dir: string, filename_suffix: string) {
    const fsm = node_builtin('node:fs');
    fsm.mkdirSync(log_dir, { recursive: true });
    const secs = String(Math.floor(Date.now() / 1000)).padStart(10, '0');
    const name = `events.out.tfevents.${secs}.${node_builtin('node:os').hostname()}.${process.pid}.${file_uid++}${filename_suffix}`;
    this.path = `${log_dir.replace(/\/+$/, '')}/${name}`;
    this.fd = fsm.openSync(this.path, 'a');
    this.write(encode_event(Date.now() / 1000, 0, { file_version: 'brain.Event:2' }));
  }

  write(event: Uint8Array): void {
    if (this.fd === null) throw new Error(`event file ${this.path} is closed`);
    node_builtin('node:fs').writeSync(this.fd, encode_record(event));
  }

  flush(): void {
    if (this.fd !== null) node_builtin('node:fs').fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd === null) return;
    this.flush();
    node_builtin('node:fs').closeSync(this.fd);
    this.fd = null;
  }
}

const INIT = signature<{ log_dir: string | null; comment: string; purge_step: number | null; max_queue: number; flush_secs: number; filename_suffix: string }>(
  'SummaryWriter(str? log_dir=None, str comment="", int? purge_step=None, int max_queue=10, int flush_secs=120, str filename_suffix="")');
const ADD_SCALAR = signature<{ tag: string; scalar_value: number | Tensor; global_step: number | null; walltime: number | null }>(
  'add_scalar(str tag, Tensor|float scalar_value, int? global_step=None, float? walltime=None)');
const ADD_SCALARS = signature<{ main_tag: string; tag_scalar_dict: Record<string, number | Tensor>; global_step: number | null; walltime: number | null }>(
  'add_scalars(str main_tag, Dict tag_scalar_dict, int? global_step=None, float? walltime=None)');
const ADD_HISTOGRAM = signature<{ tag: string; values: Tensor; global_step: number | null; bins: string | number | number[]; walltime: number | null }>(
  "add_histogram(str tag, Tensor values, int? global_step=None, str|int|float[] bins='tensorflow', float? walltime=None)");
const ADD_IMAGE = signature<{ tag: string; img_tensor: Tensor; global_step: number | null; walltime: number | null; dataformats: string }>(
  "add_image(str tag, Tensor img_tensor, int? global_step=None, float? walltime=None, str dataformats='CHW')");
const ADD_TEXT = signature<{ tag: string; text_string: string; global_step: number | null; walltime: number | null }>(
  'add_text(str tag, str text_string, int? global_step=None, float? walltime=None)');
const ADD_GRAPH = signature<{ model: GraphModel; input_to_model: Tensor | unknown[] | null; verbose: boolean; use_strict_trace: boolean }>(
  'add_graph(Any model, Any? input_to_model=None, bool verbose=False, bool use_strict_trace=True)');

type Step = [global_step: number | null, walltime: number | null];

/** PyTorch's default log directory: runs/<Mon><DD>_<HH>-<MM>-<SS>_<hostname><comment>. */
function default_log_dir(comment: string): string {
  const d = new Date();
  const month = d.toLocaleString('en-US', { month: 'short' });
  const p = (n: number): string => String(n).padStart(2, '0');
  return `runs/${month}${p(d.getDate())}_${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}_${node_builtin('node:os').hostname()}${comment}`;
}

/**
 * PyTorch's `torch.utils.tensorboard.SummaryWriter` (Node only): writes TensorBoard event files under `log_dir`.
 * Every event is appended to the file synchronously, so nothing is pending at process exit; `max_queue` and
 * `flush_secs` are accepted for compatibility and have nothing to govern. `purge_step` is not supported.
 *
 * @example
 * const w = new SummaryWriter('runs/x');
 * for (let step = 0; step < 100; step++) w.add_scalar('loss', 1 / (step + 1), step);
 * w.close();
 */
export class SummaryWriter {
  /** The folder event files are written to: the given one, or `runs/<Mon><DD>_<HH>-<MM>-<SS>_<host><comment>`. */
  readonly log_dir: string;
  private readonly filename_suffix: string;
  private file_writer: EventFileWriter | null = null;
  private readonly sub_writers = new Map<string, EventFileWriter>();

  constructor(...args: PyArgs<[log_dir: string | null, comment: string], { purge_step?: number | null; max_queue?: number; flush_secs?: number; filename_suffix?: string }>) {
    const a = INIT.parse(args);
    if (a.purge_step !== null) throw new Error('SummaryWriter: purge_step is not supported by tsgrad');
    this.log_dir = a.log_dir ?? default_log_dir(a.comment);
    this.filename_suffix = a.filename_suffix;
    this.writer();
  }

  /** The directory event files are written to. */
  get_logdir(): string {
    return this.log_dir;
  }

  private writer(): EventFileWriter {
    this.file_writer ??= new EventFileWriter(this.log_dir, this.filename_suffix);
    return this.file_writer;
  }

  private write(w: EventFileWriter, values: SummaryValue[], global_step: number | null, walltime: number | null): void {
    w.write(encode_event(walltime ?? Date.now() / 1000, global_step ?? 0, { summary: values }));
  }

  /**
   * Logs one scalar (a number or a one-element tensor) under `tag` at `global_step`.
   *
   * @example
   * writer.add_scalar('Loss/train', loss.item(), step);
   */
  add_scalar(...args: PyArgs<[tag: string, scalar_value: number | Tensor, ...Step], { global_step?: number | null; walltime?: number | null }>): void {
    const a = ADD_SCALAR.parse(args);
    this.write(this.writer(), [scalar_value(a.tag, a.scalar_value)], a.global_step, a.walltime);
  }

  /**
   * Logs several scalars under one chart: each goes to its own run directory `<log_dir>/<main_tag>_<tag>` (slashes
   * of main_tag become underscores), tagged `main_tag`, as PyTorch does.
   *
   * @example
   * writer.add_scalars('loss', { train: 0.5, val: 0.7 }, epoch);
   */
  add_scalars(...args: PyArgs<[main_tag: string, tag_scalar_dict: Record<string, number | Tensor>, ...Step], { global_step?: number | null; walltime?: number | null }>): void {
    const a = ADD_SCALARS.parse(args);
    const walltime = a.walltime ?? Date.now() / 1000;
    const entries = a.tag_scalar_dict instanceof Map ? [...(a.tag_scalar_dict as Map<string, number | Tensor>)] : Object.entries(a.tag_scalar_dict);
    const values = entries.map(([tag, v]) => [tag, scalar_value(a.main_tag, v)] as const); // validate all before writing
    for (const [tag, value] of values) {
      const dir = `${this.log_dir.replace(/\/+$/, '')}/${a.main_tag.replaceAll('/', '_')}_${tag}`;
      let w = this.sub_writers.get(dir);
      if (w === undefined) this.sub_writers.set(dir, (w = new EventFileWriter(dir, this.filename_suffix)));
      this.write(w, [value], a.global_step, walltime);
    }
  }

  /**
   * Logs a histogram of `values`; `bins` is 'tensorflow' (TensorBoard's exponential buckets), a bin count or edges.
   *
   * @example
   * writer.add_histogram('fc1.weight', net.fc1.weight, epoch);
   */
  add_histogram(...args: PyArgs<[tag: string, values: Tensor, global_step: number | null, bins: string | number | number[], walltime: number | null], { global_step?: number | null; bins?: string | number | number[]; walltime?: number | null }>): void {
    const a = ADD_HISTOGRAM.parse(args);
    this.write(this.writer(), [histogram_value(a.tag, a.values, a.bins)], a.global_step, a.walltime);
  }

  /**
   * Logs an image as PNG: floats in [0, 1] (scaled by 255) or integers in 0..255, laid out as `dataformats`
   * ('CHW' by default, 'HWC' or 'HW'), with 1, 3 or 4 channels.
   *
   * @example
   * writer.add_image('sample', x.index(0), step); // x: [N, 1, 28, 28]
   */
  add_image(...args: PyArgs<[tag: string, img_tensor: Tensor, ...Step, dataformats: string], { global_step?: number | null; walltime?: number | null; dataformats?: string }>): void {
    const a = ADD_IMAGE.parse(args);
    const deflate = (b: Uint8Array): Uint8Array => node_builtin('node:zlib').deflateSync(b);
    this.write(this.writer(), [image_value(a.tag, a.img_tensor, a.dataformats, deflate)], a.global_step, a.walltime);
  }

  /**
   * Logs text (markdown, shown by TensorBoard's text plugin) under `<tag>/text_summary`.
   *
   * @example
   * writer.add_text('config', 'lr = 0.001', 0);
   */
  add_text(...args: PyArgs<[tag: string, text_string: string, ...Step], { global_step?: number | null; walltime?: number | null }>): void {
    const a = ADD_TEXT.parse(args);
    this.write(this.writer(), [text_value(a.tag, a.text_string)], a.global_step, a.walltime);
  }

  /**
   * Logs the graph of `model` (an nn.Module) for TensorBoard's Graphs tab: one call on `input_to_model` (a Tensor
   * or an array of arguments) traced in eval mode with `torch.jit.trace`, its ops grouped by module scope.
   * `verbose` prints the traced graph.
   *
   * @example
   * writer.add_graph(net, torch.randn([1, 1, 28, 28]));
   */
  add_graph(...args: PyArgs<[model: GraphModel, input_to_model: Tensor | unknown[] | null, verbose: boolean, use_strict_trace: boolean], { input_to_model?: Tensor | unknown[] | null; verbose?: boolean; use_strict_trace?: boolean }>): void {
    const a = ADD_GRAPH.parse(args);
    const inputs = a.input_to_model === null ? [] : is_tensor(a.input_to_model) ? [a.input_to_model] : a.input_to_model;
    const { bytes, graph } = graph_def(a.model, inputs);
    if (a.verbose) console.log(String(graph));
    this.writer().write(encode_event(Date.now() / 1000, 0, { graph_def: bytes }));
  }

  /** Forces the written events to disk (fsync) for this writer and its add_scalars sub-writers. */
  flush(): void {
    this.file_writer?.flush();
    for (const w of this.sub_writers.values()) w.flush();
  }

  /** Closes every event file; a later add_* call opens a new event file, as PyTorch does. */
  close(): void {
    this.file_writer?.close();
    this.file_writer = null;
    for (const w of this.sub_writers.values()) w.close();
    this.sub_writers.clear();
  }
}
