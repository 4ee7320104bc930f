// The page's sample digits: MNIST test images stored as base64 bytes in public/mnist_digits.json.

/** One stored digit: its index in the MNIST test split, its label and 784 uint8 pixels in base64. */
export interface StoredDigit {
  index: number;
  label: number;
  pixels: string;
}

/** The JSON file written by scripts/make_digits.ts. */
export interface DigitsFile {
  source: string;
  digits: StoredDigit[];
}

/** A digit ready for the model: 28×28 values in [0, 1], row-major. */
export interface Digit {
  index: number;
  label: number;
  pixels: Float32Array;
}

/**
 * Decodes the stored digits (base64 uint8 → values in [0, 1], as torchvision's ToTensor scales them).
 *
 * @example
 * const digits = decode_digits(await (await fetch('mnist_digits.json')).json());
 */
export function decode_digits(file: DigitsFile): Digit[] {
  return file.digits.map(({ index, label, pixels }) => {
    const bytes = Uint8Array.from(atob(pixels), (c) => c.charCodeAt(0));
    if (bytes.length !== 784) throw new Error(`digit ${index} has ${bytes.length} pixels, expected 28×28 = 784`);
    return { index, label, pixels: Float32Array.from(bytes, (b) => b / 255) };
  });
}
