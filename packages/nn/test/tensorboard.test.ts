// SummaryWriter: event files read back through our own TFRecord decoder (lengths, CRCs) and protobufjs decoding.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import CRC32 from 'crc-32';
import { SummaryWriter, decode_event, encode_record, masked_crc32c, read_records, type DecodedEvent } from '../src/index.js';

// TSGRAD_TB_LOGDIR keeps the files (tensorboard_reader.test.ts checks tsgrad's files against TensorBoard's own reader).
const root = process.env.TSGRAD_TB_LOGDIR ?? mkdtempSync(join(tmpdir(), 'tsgrad-tb-'));
afterAll(() => {
  if (process.env.TSGRAD_TB_LOGDIR === undefined) rmSync(root, { recursive: true, force: true });
});

function events_in(dir: string): DecodedEvent[] {
  const files = readdirSync(dir).filter((f) => f.startsWith('events.out.tfevents.'));
  expect(files).toHaveLength(1);
  return read_records(readFileSync(join(dir, files[0]!))).map(decode_event);
}

describe('TFRecord framing', () => {
  it('masks CRC32C as TFRecord does (unmasking gives the standard check value of "123456789")', () => {
    const masked = masked_crc32c(new TextEncoder().encode('123456789'));
    const rot = (masked - 0xa282ead8) >>> 0;
    expect(((rot >>> 17) | (rot << 15)) >>> 0).toBe(0xe3069283);
  });

  it('round-trips records and detects a corrupted or truncated byte', () => {
    const bytes = new Uint8Array([...encode_record(Uint8Array.of(1, 2, 3)), ...encode_record(new Uint8Array(0))]);
    expect(bytes.length).toBe(16 + 3 + 16);
    expect(new DataView(bytes.buffer).getBigUint64(0, true)).toBe(3n);
    expect(read_records(bytes).map((r) => Array.from(r))).toEqual([[1, 2, 3], []]);
    for (const [at, message] of [[0, /length CRC mismatch .* offset 0/], [9, /length CRC mismatch/], [13, /data CRC mismatch .* offset 0/], [20, /CRC mismatch .* offset 19/]] as const) {
      const bad = bytes.slice();
      bad[at]! ^= 0x10;
      expect(() => read_records(bad), `byte ${at}`).toThrow(message);
    }
    expect(() => read_records(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated record at offset 19/);
  });
});

describe('SummaryWriter', () => {
  it('writes file_version first, then scalars with their tags, steps and wall times', () => {
    const dir = join(root, 'scalars');
    const w = new SummaryWriter(dir);
    expect(readdirSync(dir)[0]).toMatch(/^events\.out\.tfevents\.\d{10}\.[^.]+.*\.\d+\.\d+$/);
    w.add_scalar('loss', 0.5, 1);
    w.add_scalar('loss', torch.tensor([0.25]), { global_step: 2, walltime: 1234.5 });
    w.add_scalar('acc/val', 3);
    w.close();
    const [first, ...rest] = events_in(dir);
    expect(first!.file_version).toBe('brain.Event:2');
    expect(rest.map((e) => [e.step, e.summary!.value[0]!.tag, e.summary!.value[0]!.simple_value])).toEqual([[1, 'loss', 0.5], [2, 'loss', 0.25], [0, 'acc/val', 3]]);
    expect(rest[1]!.wall_time).toBe(1234.5);
    expect(Math.abs(rest[0]!.wall_time - Date.now() / 1000)).toBeLessThan(60);
    expect(() => w.add_scalar('x', torch.tensor([1, 2]))).toThrow('scalar should be 0D');
  });

  it('add_scalars writes each scalar to <log_dir>/<main_tag>_<tag>, tagged main_tag', () => {
    const dir = join(root, 'multi');
    const w = new SummaryWriter(dir);
    w.add_scalars('run/loss', { train: 0.5, val: 0.75 }, 7);
    w.close();
    expect(readdirSync(dir).filter((f) => !f.startsWith('events')).sort()).toEqual(['run_loss_train', 'run_loss_val']);
    const val = events_in(join(dir, 'run_loss_val'));
    expect(val[1]!.step).toBe(7);
    expect(val[1]!.summary!.value[0]).toEqual({ tag: 'run/loss', simple_value: 0.75 });
  });

  it('add_histogram bins as np.histogram and trims to the used range plus one empty bucket on the left', () => {
    const dir = join(root, 'histo');
    const w = new SummaryWriter(dir);
    w.add_histogram('h4', torch.tensor([-1, 0, 0.5, 2]), 0, 4); // edges -1, -0.25, 0.5, 1.25, 2 (last bin closed)
    w.add_histogram('edges', torch.tensor([1.5, 2.5, 2.7, 9]), { global_step: 1, bins: [0, 1, 2, 3, 4] }); // 9 is outside
    w.add_histogram('tf', torch.tensor([1]), 2);
    w.close();
    const h = events_in(dir).slice(1).map((e) => e.summary!.value[0]!.histo!);
    expect(h[0]).toEqual({ min: -1, max: 2, num: 4, sum: 1.5, sum_squares: 5.25, bucket_limit: [-1, -0.25, 0.5, 1.25, 2], bucket: [0, 1, 1, 1, 1] });
    expect(h[1]).toMatchObject({ num: 4, bucket_limit: [1, 2, 3], bucket: [0, 1, 2] });
    const [lo, hi] = h[2]!.bucket_limit;
    expect(h[2]!.bucket).toEqual([0, 1]);
    expect(lo! < 1 && 1 < hi! && hi! < 1.1).toBe(true);
    expect(() => w.add_histogram('e', torch.tensor([]))).toThrow('The input has no element.');
  });

  it('add_image writes an RGB PNG of CHW floats in [0, 1] (one channel becomes grey)', () => {
    const dir = join(root, 'image');
    const w = new SummaryWriter(dir);
    w.add_image('grey', torch.tensor([[[0, 0.5], [1, 2]]]), 3); // 2 is clipped to 255
    w.add_image('hwc', torch.tensor([[[255, 0, 0, 128]]], { dtype: 'int64' }), { dataformats: 'HWC' });
    w.close();
    const [grey, hwc] = events_in(dir).slice(1).map((e) => e.summary!.value[0]!.image!);
    expect([grey!.height, grey!.width, grey!.colorspace, hwc!.colorspace]).toEqual([2, 2, 3, 4]);
    const png = Uint8Array.from(grey!.encoded_image_string); // a copy: its own buffer for the DataView
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const view = new DataView(png.buffer);
    const chunks = new Map<string, Uint8Array>();
    for (let at = 8; at < png.length; ) {
      const len = view.getUint32(at);
      const type = new TextDecoder().decode(png.subarray(at + 4, at + 8));
      expect(view.getUint32(at + 8 + len), type).toBe(CRC32.buf(png.subarray(at + 4, at + 8 + len)) >>> 0);
      chunks.set(type, png.subarray(at + 8, at + 8 + len));
      at += 12 + len;
    }
    expect([...chunks.keys()]).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(Array.from(chunks.get('IHDR')!)).toEqual([0, 0, 0, 2, 0, 0, 0, 2, 8, 2, 0, 0, 0]);
    expect(Array.from(inflateSync(chunks.get('IDAT')!))).toEqual([0, 0, 0, 0, 127, 127, 127, 0, 255, 255, 255, 255, 255, 255]);
    expect(() => w.add_image('bad', torch.zeros(2, 2, 2))).toThrow('image must have 1, 3 or 4 channels, got 2');
    expect(() => w.add_image('bad', torch.zeros(2, 2))).toThrow(/size of input tensor and input format are different/);
  });

  it('add_text writes a DT_STRING tensor for the text plugin under <tag>/text_summary', () => {
    const dir = join(root, 'text');
    const w = new SummaryWriter(dir);
    w.add_text('notes', 'héllo **world**', 5);
    w.flush();
    w.close();
    const [, e] = events_in(dir);
    expect(e!.step).toBe(5);
    const v = e!.summary!.value[0]!;
    expect(v.tag).toBe('notes/text_summary');
    expect(v.metadata!.plugin_data.plugin_name).toBe('text');
    expect([v.tensor!.dtype, v.tensor!.tensor_shape]).toEqual([7, { dim: [{ size: 1 }] }]);
    expect(new TextDecoder().decode(v.tensor!.string_val[0])).toBe('héllo **world**');
  });
});
