// The former_torchies "nn package" tutorial ported line by line (examples/nn_package.ts) prints the lines the
// Python prints (fixtures/make_nn_package.py ran it with real PyTorch): print(net), sizes, the hook messages in
// the same order. Its numbers come from torch.randn, whose stream tsgrad does not reproduce, so they are masked.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../nn_package.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/nn_package.json', import.meta.url), 'utf8')) as { lines: string[] };
const mask = (line: string): string => line.replace(/-?\d+\.\d+/g, '#');

describe('examples/nn_package.ts (PyTorch for former Torch users: nn package)', () => {
  it('prints the structure, sizes and hook messages PyTorch prints, in the same order', () => {
    const lines: string[] = [];
    main((...parts) => lines.push(parts.map(String).join(' ')));
    // printed with print(), a multi-line repr is several lines of the Python output
    expect(lines.join('\n').split('\n').map(mask)).toEqual(fixture.lines.map(mask));
  });
});
