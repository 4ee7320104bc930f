// nn.data: map-style datasets, random_split, samplers and the DataLoader (PyTorch's torch.utils.data).
export { Dataset, TensorDataset, Subset, ConcatDataset, random_split, iter, next, type DatasetLike, type Slice } from './dataset.js';
export { DataLoader, default_collate, default_convert, get_worker_info, type Collated, type DataLoaderOptions, type WorkerInfo } from './dataloader.js';
export { Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler, type Sized } from './sampler.js';
