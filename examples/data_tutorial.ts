// Learn the Basics, "Datasets & DataLoaders", ported line by line:
// https://pytorch.org/tutorials/beginner/basics/data_tutorial.html
// (source: https://github.com/pytorch/tutorials/blob/main/beginner_source/basics/data_tutorial.py)
// Seeded with torch.manual_seed(0) (one line added at the top); where the tutorial plots with matplotlib, the
// port prints what each plot shows (index, label, image size and pixel sum). Fashion-MNIST comes from `root`
// or an installed copy (Debian's dataset-fashion-mnist); nothing is downloaded. The CustomImageDataset reads a
// CSV of file names and labels with the images beside it (PNG: torchvision.io.read_image), as in the tutorial,
// which reads the CSV with pandas. Run: node examples/dist/data_tutorial.js [--img-dir DIR]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { data } from '@tsgrad/nn';
import { datasets, io, transforms } from '@tsgrad/vision';
import { run_if_main, type Log } from './run_main.js';

const { Dataset, DataLoader } = data;
const { ToTensor } = transforms;

type Transform<T> = ((x: T) => T) | null;

/** The tutorial's dataset of image files listed in a CSV (`file,label` rows under a header). */
export class CustomImageDataset extends Dataset<[Tensor, number]> {
  img_labels: [string, number][];
  img_dir: string;
  transform: Transform<Tensor>;
  target_transform: Transform<number>;

  constructor(annotations_file: string, img_dir: string, transform: Transform<Tensor> = null, target_transform: Transform<number> = null) {
    super();
    const rows = readFileSync(annotations_file, 'utf8').trim().split('\n').slice(1);
    this.img_labels = rows.map((row) => row.split(',')).map(([file, label]) => [file!, Number(label)]);
    this.img_dir = img_dir;
    this.transform = transform;
    this.target_transform = target_transform;
  }

  get length(): number {
    return this.img_labels.length;
  }

  get(idx: number): [Tensor, number] {
    const img_path = join(this.img_dir, this.img_labels[idx]![0]);
    let image = io.read_image(img_path);
    let label = this.img_labels[idx]![1];
    if (this.transform) image = this.transform(image);
    if (this.target_transform) label = this.target_transform(label);
    return [image, label];
  }
}

/** Runs the tutorial; `img_dir` holds labels.csv and the images it lists. */
export function main(print: Log = console.log, img_dir = 'data/images'): void {
  torch.manual_seed(0);

  // Loading a Dataset
  const training_data = new datasets.FashionMNIST({ root: 'data', train: true, download: true, transform: new ToTensor() });
  const test_data = new datasets.FashionMNIST({ root: 'data', train: false, download: true, transform: new ToTensor() });

  // Iterating and Visualizing the Dataset
  const labels_map: Record<number, string> = {
    0: 'T-Shirt',
    1: 'Trouser',
    2: 'Pullover',
    3: 'Dress',
    4: 'Coat',
    5: 'Sandal',
    6: 'Shirt',
    7: 'Sneaker',
    8: 'Bag',
    9: 'Ankle Boot',
  };
  const [cols, rows] = [3, 3];
  for (let i = 1; i < cols * rows + 1; i++) {
    const sample_idx = torch.randint(torch.len(training_data), [1]).item();
    const [img, label] = training_data.get(sample_idx);
    print(`${i}: [${sample_idx}] ${labels_map[label]} ${img.squeeze().shape} ${img.sum().item().toFixed(4)}`);
  }

  // Creating a Custom Dataset for your files
  const custom = new CustomImageDataset(join(img_dir, 'labels.csv'), img_dir);
  print(`Custom dataset: ${torch.len(custom)} images`);
  for (const [image, label] of custom) print(`${image.shape} ${image.dtype} ${label}`);

  // Preparing your data for training with DataLoaders
  const train_dataloader = new DataLoader(training_data, { batch_size: 64, shuffle: true });
  const test_dataloader = new DataLoader(test_data, { batch_size: 64, shuffle: true });

  // Iterate through the DataLoader
  const [train_features, train_labels] = data.next(data.iter(train_dataloader));
  print(`Feature batch shape: ${train_features.size()}`);
  print(`Labels batch shape: ${train_labels.size()}`);
  const img = train_features.index(0).squeeze();
  const label = train_labels.index(0);
  print(`Image: ${img.shape} ${img.sum().item().toFixed(4)}`);
  print(`Label: ${label.item()}`);
  print(`Test batches: ${torch.len(test_dataloader)}`);
}

run_if_main(import.meta.url, (log) => {
  const { values } = parseArgs({ options: { 'img-dir': { type: 'string' } } });
  main(log, values['img-dir']);
});
