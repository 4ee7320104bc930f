// Nearest neighbours of query images in a layer's feature space, and batched feature extraction.
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import type * as nn from '@tsgrad/nn';
import { FeatureExtractor, type LayerRef } from './feature_extractor.js';

/**
 * The output of `layer` for every image, flattened per image to `[N, D]`, computed under no_grad in batches
 * of `batch_size` (the hook is removed afterwards, also on errors).
 *
 * @example
 * const feats = layer_features(net.eval(), 'fc', test_images); // [N, 50]
 */
export function layer_features(model: nn.Module, layer: LayerRef, images: Tensor, options: { batch_size?: number } = {}): Tensor {
  const batch_size = options.batch_size ?? 256;
  const fx = new FeatureExtractor(model, [layer]);
  const [name] = [...fx.layers.keys()] as [string];
  try {
    return torch.no_grad(() => {
      const parts: Tensor[] = [];
      for (let start = 0; start < images.shape[0]!; start += batch_size) {
        const len = Math.min(batch_size, images.shape[0]! - start);
        fx.clear();
        model.call(images.narrow(0, start, len));
        parts.push(fx.feature(name).reshape([len, -1]));
      }
      if (parts.length === 0) throw new Error('layer_features needs at least one image');
      return parts.length === 1 ? parts[0]! : torch.cat(parts, { dim: 0 });
    });
  } finally {
    fx.remove();
  }
}

/** Options of `nearest_neighbours`. */
export interface NearestNeighboursOptions {
  /** Neighbours per query (default 5). */
  k?: number;
  /** `'euclidean'` (default) or `'cosine'` (distance `1 − cos`). */
  metric?: 'euclidean' | 'cosine';
  /** Images per forward pass (default 256). */
  batch_size?: number;
}

/** What `nearest_neighbours` returns. */
export interface Neighbours {
  /** Per query, indices into `dataset_images`, nearest first (ties by index). */
  indices: number[][];
  /** The matching distances. */
  distances: number[][];
}

/**
 * The `k` images of `dataset_images` nearest to each query image in the feature space of `layer` (its
 * output flattened per image): images that look alike to the network.
 *
 * @example
 * const { indices } = nearest_neighbours(net.eval(), 'fc', x.narrow(0, 0, 1), test_images, { k: 8 });
 */
export function nearest_neighbours(model: nn.Module, layer: LayerRef, query: Tensor, dataset_images: Tensor, options: NearestNeighboursOptions = {}): Neighbours {
  const k = options.k ?? 5;
  const metric = options.metric ?? 'euclidean';
  const n = dataset_images.shape[0]!;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new Error(`nearest_neighbours k must be an integer in [1, ${n}] (the dataset size), got ${k}`);
  const q = layer_features(model, layer, query, options);
  const f = layer_features(model, layer, dataset_images, options);
  const [Q, D] = q.shape as [number, number];
  const qd = q.data_array();
  const fd = f.data_array();
  const norm = (d: ArrayLike<number>, row: number): number => {
    let s = 0;
    for (let t = 0; t < D; t++) s += d[row * D + t]! ** 2;
    return Math.sqrt(s);
  };
  const f_norms = Array.from({ length: n }, (_, r) => norm(fd, r));
  const indices: number[][] = [];
  const distances: number[][] = [];
  for (let a = 0; a < Q; a++) {
    const qn = norm(qd, a);
    const dist = new Float64Array(n);
    for (let b = 0; b < n; b++) {
      let s = 0;
      if (metric === 'euclidean') {
        for (let t = 0; t < D; t++) s += (qd[a * D + t]! - fd[b * D + t]!) ** 2;
        dist[b] = Math.sqrt(s);
      } else {
        for (let t = 0; t < D; t++) s += qd[a * D + t]! * fd[b * D + t]!;
        dist[b] = 1 - s / (qn * f_norms[b]! || 1);
      }
    }
    const order = Array.from({ length: n }, (_, b) => b).sort((x, y) => dist[x]! - dist[y]! || x - y).slice(0, k);
    indices.push(order);
    distances.push(order.map((b) => dist[b]!));
  }
  return { indices, distances };
}
