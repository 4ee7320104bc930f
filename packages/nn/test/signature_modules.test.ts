// Module constructors read through the shared signature parser: both spellings, PyTorch's TypeErrors.
import { describe, expect, it } from 'vitest';
import * as nn from '@tsgrad/nn';

describe('module constructor signatures', () => {
  it('builds the same module from positional and keyword spellings', () => {
    expect(String(new nn.Flatten(0, 1))).toBe('Flatten(start_dim=0, end_dim=1)');
    expect(String(new nn.Flatten({ start_dim: 0 }))).toBe('Flatten(start_dim=0, end_dim=-1)');
    expect(String(new nn.Conv2d({ in_channels: 1, out_channels: 16, kernel_size: 3 }))).toBe(String(new nn.Conv2d(1, 16, 3)));
    expect(String(new nn.Conv2d(1, 16, 3, { stride: 2, padding: [1, 0] }))).toBe('Conv2d(1, 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 0))');
    expect(() => new nn.Conv2d(1, 16, 2.5)).toThrow(TypeError);
    expect(() => new nn.Conv2d(1, 16, 3, { strides: 2 } as never)).toThrow("Conv2d() got an unexpected keyword argument 'strides'");
  });

  it("prints the explicit class name, whatever the constructor's runtime name", () => {
    class Renamed extends nn.Linear {}
    expect(new Renamed(2, 3)._get_name()).toBe('Renamed');
    class Kept extends nn.Linear {
      static override readonly __name__: string = 'Kept';
    }
    Object.defineProperty(Kept, 'name', { value: 'q' });
    expect(String(new Kept(2, 3))).toBe('Kept(in_features=2, out_features=3, bias=True)');
    const Minified = nn.Conv2d;
    Object.defineProperty(Minified, 'name', { value: 'Bt', configurable: true });
    try {
      expect(String(new nn.Conv2d(1, 2, 3))).toMatch(/^Conv2d\(/);
    } finally {
      Object.defineProperty(Minified, 'name', { value: 'Conv2d', configurable: true });
    }
  });
});
