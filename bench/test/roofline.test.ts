// The roofline's product count against the sizes worked out by hand for the tiny model workloads.
import { expect, it } from 'vitest';
import { MODEL_TINY } from '../model_workloads.js';
import { product_gflop } from '../roofline.js';

it('counts the LSTM and Transformer products of a forward and of a train step', () => {
  const l = { ...MODEL_TINY.lstm, layers: 2, classes: 10 }; // batch 2, seq 3, features 4, hidden 5
  // per token: layer 0 4·5·(4+5) = 180, layer 1 4·5·(5+5) = 200; the head 2·10·5 = 100
  const lstm_forward = 6 * 380 + 100;
  expect(product_gflop({ kind: 'lstm_forward', ...l })).toBeCloseTo((2 * lstm_forward) / 1e9, 15);
  // a train step: forward, weight gradients, input gradients but layer 0's input projection (6·4·5·4)
  expect(product_gflop({ kind: 'lstm_train', ...l })).toBeCloseTo((2 * (3 * lstm_forward - 480)) / 1e9, 15);
  const t = { ...MODEL_TINY.transformer, layers: 2, classes: 10 }; // batch 2, seq 4, d 8, 2 heads, ff 16
  // per layer: attention 8 tokens·(4·64 + 2·4·8) = 2560, the feed-forward 2·(8·16·8) = 2048; the head 2·10·8 = 160
  const encoder_forward = 2 * (2560 + 2048) + 160;
  expect(product_gflop({ kind: 'transformer_forward', ...t })).toBeCloseTo((2 * encoder_forward) / 1e9, 15);
  expect(product_gflop({ kind: 'transformer_train', ...t })).toBeCloseTo((2 * (3 * encoder_forward - 8 * 3 * 64)) / 1e9, 15);
});

it('counts a ResNet-18 forward from its convolutions and head', () => {
  const r = { ...MODEL_TINY.resnet18, classes: 10 }; // batch 2 of 3×16×16
  // stem 7×7/2 to 8×8: 2·64·64·3·49 MACs; the rest is checked against a forward's share of the train step
  const forward = product_gflop({ kind: 'resnet18_forward', ...r });
  const stem = (2 * (2 * 64 * 64 * 3 * 49)) / 1e9;
  expect(forward).toBeGreaterThan(stem);
  expect(product_gflop({ kind: 'resnet18_train', ...r })).toBeCloseTo(3 * forward - stem, 15);
});
