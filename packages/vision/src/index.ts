// Public entry of @tsgrad/vision: models, datasets, transforms, interpretability, image output, torchvision.utils and torchvision.io.
export * as models from './models/index.js';
export * as datasets from './datasets/index.js';
export * as transforms from './datasets/transforms.js';
export * as interpret from './interpret/index.js';
export * as attr from './attr/index.js';
export * as cams from './cams/index.js';
export * as image from './image/index.js';
export * as utils from './utils.js';
export * as io from './io.js';
