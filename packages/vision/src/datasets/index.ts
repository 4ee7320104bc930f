// vision.datasets: IDX files, MNIST and Fashion-MNIST, CIFAR-10 and CIFAR-100 (python-version pickles).
export { parse_idx, type IdxDtype, type IdxArray, type IdxFile } from './idx.js';
export { MNIST, FashionMNIST, type MNISTOptions, type Resource } from './mnist.js';
export { CIFAR10, CIFAR100, type CIFAR10Options, type CIFARFile, type CIFARMeta } from './cifar.js';
export { unpickle, type NdArray, type PickleDict, type PickleValue } from './pickle.js';
export { untar, type TarEntry } from './tar.js';
