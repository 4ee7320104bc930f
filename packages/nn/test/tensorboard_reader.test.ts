// tsgrad's event files against what TensorBoard's own reader (EventAccumulator, run from TensorBoard's source by
// fixtures/tensorboard/check_events.py) decoded from the same writes: runs, tags, steps, values, histograms,
// images (down to their pixels), text and graph nodes; and masked CRC32C on known vectors.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '../src/index.js';
import { GRAPH_DEF } from '../src/tensorboard/proto.js';

interface Run {
  scalars: Record<string, [number, number][]>;
  histograms: Record<string, { step: number; min: number; max: number; num: number; sum: number; sum_squares: number; bucket_limit: number[]; bucket: number[] }[]>;
  images: Record<string, { step: number; width: number; height: number; png_sha256: string; pixels: { mode: string; values: number[][] } | null }[]>;
  tensors: Record<string, { step: number; plugin: string; dtype: number; shape: number[]; strings: string[] }[]>;
  graph: { name: string; op: string; input: string[]; attr: string[] }[] | null;
  file_version: string;
  records: number;
}
const READ = JSON.parse(readFileSync(new URL('./fixtures/tensorboard/tensorboard_read.json', import.meta.url), 'utf8')) as {
  runs: Record<string, Run>;
  masked_crc32c: { bytes_base64: string; masked_crc32c: number }[];
};

class Net extends nn.Module {
  static override readonly __name__ = 'Net';
  conv = new nn.Conv2d(1, 2, 3);
  fc = new nn.Linear(4, 3);
  override forward(x: Tensor): Tensor {
    return this.fc.call(this.conv.call(x).relu().flatten(1));
  }
}

/** The image written: 3×2×2 floats in [0, 1] (CHW), whose PNG pixels are round-down of value × 255. */
const IMAGE = [[[0, 0.5], [1, 0.25]], [[1, 0], [0.75, 0.5]], [[0.1, 0.2], [0.3, 0.4]]];

/** Writes every kind of event, deterministically (fixed wall times), into `dir`. */
function write_logs(dir: string): void {
  torch.manual_seed(0);
  const w = new nn.SummaryWriter(dir);
  for (let step = 0; step < 5; step++) w.add_scalar('Loss/train', 1 / (step + 1), step, 1000 + step);
  w.add_scalar('Accuracy/test', 0.8125, { global_step: 4, walltime: 1010 });
  w.add_scalars('lr', { encoder: 0.1, head: 0.01 }, 3, 1020);
  w.add_histogram('fc.weight', torch.tensor([-1, -0.5, 0, 0.25, 0.25, 2]), 2, 10, 1030);
  w.add_histogram('normal', torch.randn([200]), { global_step: 3, walltime: 1031 });
  w.add_image('input', torch.tensor(IMAGE), 1, 1040);
  w.add_text('notes', 'héllo **tsgrad**', 2, 1050);
  w.add_graph(new Net(), torch.randn([1, 1, 4, 3]));
  w.close();
}

/** What tsgrad's own decoder reads from a run directory, in the shape check_events.py records TensorBoard's reading. */
function decode_run(dir: string): Omit<Run, 'images'> & { images: Record<string, { step: number; width: number; height: number; png_sha256: string }[]> } {
  const file = readdirSync(dir).find((f) => f.startsWith('events.out.tfevents.'))!;
  const events = nn.read_records(readFileSync(join(dir, file))).map(nn.decode_event);
  const run: ReturnType<typeof decode_run> = { scalars: {}, histograms: {}, images: {}, tensors: {}, graph: null, file_version: events[0]!.file_version!, records: events.length };
  const push = <T>(into: Record<string, T[]>, tag: string, x: T): void => void (into[tag] ??= []).push(x);
  for (const e of events) {
    if (e.graph_def !== undefined) {
      const g = GRAPH_DEF.toObject(GRAPH_DEF.decode(e.graph_def), { longs: Number }) as { node: { name: string; op: string; input?: string[]; attr?: Record<string, unknown> }[] };
      run.graph = g.node.map((n) => ({ name: n.name, op: n.op, input: n.input ?? [], attr: Object.keys(n.attr ?? {}).sort() }));
    }
    for (const v of e.summary?.value ?? []) {
      if (v.simple_value !== undefined) push(run.scalars, v.tag, [e.step, v.simple_value] as [number, number]);
      else if (v.histo !== undefined) push(run.histograms, v.tag, { step: e.step, ...v.histo });
      else if (v.image !== undefined) {
        const png_sha256 = createHash('sha256').update(v.image.encoded_image_string).digest('hex');
        push(run.images, v.tag, { step: e.step, width: v.image.width, height: v.image.height, png_sha256 });
      } else if (v.tensor !== undefined) {
        const t = v.tensor;
        push(run.tensors, v.tag, { step: e.step, plugin: v.metadata!.plugin_data.plugin_name, dtype: t.dtype, shape: t.tensor_shape.dim.map((d) => d.size), strings: t.string_val.map((s) => new TextDecoder().decode(s)) });
      }
    }
  }
  return run;
}

// TSGRAD_TB_LOGDIR keeps the files for fixtures/tensorboard/check_events.py (TensorBoard's reader, in Python)
const root = process.env.TSGRAD_TB_LOGDIR ?? mkdtempSync(join(tmpdir(), 'tsgrad-tb-read-'));
afterAll(() => {
  if (process.env.TSGRAD_TB_LOGDIR === undefined) rmSync(root, { recursive: true, force: true });
});

describe("tsgrad's event files as TensorBoard's reader read them", () => {
  mkdirSync(root, { recursive: true });
  write_logs(root);
  const dirs = [root, ...readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(root, d.name))];
  const ours = Object.fromEntries(dirs.map((d) => [relative(root, d) || '.', decode_run(d)]));

  it('has the same runs, each a file of file_version first and the same number of records', () => {
    expect(Object.keys(ours).sort()).toEqual(Object.keys(READ.runs).sort());
    expect(Object.keys(READ.runs).sort()).toEqual(['.', 'lr_encoder', 'lr_head']);
    for (const [name, run] of Object.entries(READ.runs)) {
      expect(run.file_version).toBe('brain.Event:2');
      expect(ours[name]!.records, name).toBe(run.records);
    }
  });

  it('has the same scalars (tags, steps, float32 values), histograms and text', () => {
    for (const [name, run] of Object.entries(READ.runs)) {
      expect(ours[name]!.scalars, name).toEqual(run.scalars);
      expect(ours[name]!.histograms, name).toEqual(run.histograms);
      expect(ours[name]!.tensors, name).toEqual(run.tensors);
    }
    expect(READ.runs['.']!.scalars['Loss/train']!.map(([s]) => s)).toEqual([0, 1, 2, 3, 4]);
    expect(READ.runs['lr_head']!.scalars['lr']).toEqual([[3, Math.fround(0.01)]]);
    expect(READ.runs['.']!.tensors['notes/text_summary']![0]!.strings).toEqual(['héllo **tsgrad**']);
  });

  it('has the same PNG, whose pixels TensorBoard (Pillow) decoded to the image written', () => {
    const [img] = READ.runs['.']!.images['input']!;
    expect(ours['.']!.images['input']).toEqual([{ step: img!.step, width: img!.width, height: img!.height, png_sha256: img!.png_sha256 }]);
    expect(img!.pixels!.mode).toBe('RGB');
    const expected = [0, 1, 2, 3].map((p) => IMAGE.map((channel) => Math.floor(channel[p >> 1]![p & 1]! * 255)));
    expect(img!.pixels!.values).toEqual(expected);
  });

  it('has the same graph: nodes, ops, inputs and attributes', () => {
    const g = READ.runs['.']!.graph!;
    expect(ours['.']!.graph).toEqual(g);
    expect(g.map((n) => n.op)).toContain('aten::conv2d');
  });

  it("computes masked CRC32C as TensorBoard's reader does on known vectors", () => {
    for (const { bytes_base64, masked_crc32c } of READ.masked_crc32c) {
      expect(nn.masked_crc32c(Uint8Array.from(Buffer.from(bytes_base64, 'base64'))), bytes_base64).toBe(masked_crc32c);
    }
    // the iSCSI (RFC 3720) check values of CRC32C, unmasked: 32 zero bytes, 32 0xFF bytes, 0..31
    const unmask = (m: number): number => {
      const rot = (m - 0xa282ead8) >>> 0;
      return ((rot >>> 17) | (rot << 15)) >>> 0;
    };
    const known: [number[], number][] = [[Array<number>(32).fill(0), 0x8a9136aa], [Array<number>(32).fill(0xff), 0x62a8ab43], [[...Array(32).keys()], 0x46dd794e]];
    for (const [bytes, crc] of known) expect(unmask(nn.masked_crc32c(Uint8Array.from(bytes)))).toBe(crc);
  });
});
