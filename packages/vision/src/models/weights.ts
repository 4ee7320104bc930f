// torchvision's pretrained-weight keywords on the model builders (weights, progress, the deprecated pretrained):
// accepted, and a request for weights refused by name, since tsgrad downloads none.

/** The keywords every torchvision model builder takes besides the model's own. */
export interface WeightsOptions {
  /** torchvision's weights enum or its name (`'IMAGENET1K_V1'`, `'DEFAULT'`); tsgrad downloads none, so only `null`. */
  weights?: string | null;
  /** Whether a download shows a progress bar (nothing is downloaded). */
  progress?: boolean;
  /** Before torchvision 0.13: `true` asked for the ImageNet weights (an error here), `false` for none. */
  pretrained?: boolean;
}

/**
 * `options` without the weight keywords, after refusing a request for pretrained weights with an error that
 * says how to load them instead.
 *
 * @example
 * const rest = without_weights('vgg16', { weights: null, num_classes: 10 }); // { num_classes: 10 }
 */
export function without_weights<O extends object>(builder: string, options: O & WeightsOptions): O {
  const { weights = null, progress: _progress, pretrained = false, ...rest } = options;
  const asked = weights !== null ? `weights=${JSON.stringify(weights)}` : pretrained ? 'pretrained=True' : null;
  if (asked !== null) {
    throw new Error(
      `${builder}(${asked}): tsgrad downloads no pretrained weights. Build ${builder}() and load torchvision's weights ` +
        `saved as safetensors: model.load_state_dict(torch.load('${builder}.safetensors'))`,
    );
  }
  return rest as O;
}
