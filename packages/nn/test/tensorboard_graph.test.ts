// SummaryWriter.add_graph: an event whose graph_def is a TensorBoard GraphDef of the traced model, nodes named
// by module scope as PyTorch names them, inputs/outputs as IO Nodes, every edge naming an existing node.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '../src/index.js';
import { GRAPH_DEF } from '../src/tensorboard/proto.js';

class Net extends nn.Module {
  static override readonly __name__ = 'Net';
  conv = new nn.Conv2d(1, 2, 3);
  bn = new nn.BatchNorm2d(2);
  fc = new nn.Sequential(new nn.Flatten(), new nn.Linear(18, 4));
  override forward(x: Tensor): Tensor {
    return this.fc.call(this.bn.call(this.conv.call(x)).relu());
  }
}

interface NodeDef { name: string; op: string; input?: string[]; attr: Record<string, { list?: { shape: { dim?: { size: number }[] }[] }; s?: Uint8Array }> }

describe('SummaryWriter.add_graph', () => {
  it('writes the traced graph as a GraphDef event, in eval mode, nodes scoped by module', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsgrad-graph-'));
    try {
      const net = new Net();
      const w = new nn.SummaryWriter(dir);
      w.add_graph(net, torch.randn([2, 1, 5, 5]));
      w.close();
      expect(net.training && net.bn.training).toBe(true);
      const events = nn.read_records(readFileSync(join(dir, readdirSync(dir)[0]!))).map(nn.decode_event);
      const graph_events = events.filter((e) => e.graph_def !== undefined);
      expect(graph_events.length).toBe(1);
      const g = GRAPH_DEF.toObject(GRAPH_DEF.decode(graph_events[0]!.graph_def!), { longs: Number }) as { node: NodeDef[]; versions: { producer: number } };
      expect(g.versions.producer).toBe(22);
      const names = new Set(g.node.map((n) => n.name));
      for (const n of g.node) for (const i of n.input ?? []) expect(names.has(i.replace(/:\d+$/, '')), `${n.name} <- ${i}`).toBe(true);
      const first = g.node[0]!;
      expect([first.name, first.op]).toEqual(['input/input', 'IO Node']);
      expect(first.attr['_output_shapes']!.list!.shape[0]!.dim!.map((d) => d.size)).toEqual([2, 1, 5, 5]);
      const ops = g.node.filter((n) => n.op.startsWith('aten::')).map((n) => [n.name.replace(/\/[^/]*$/, ''), n.op]);
      expect(ops).toEqual([
        ['Net/Conv2d[conv]', 'aten::conv2d'],
        ['Net/BatchNorm2d[bn]', 'aten::batch_norm'],
        ['Net', 'aten::relu'],
        ['Net/Sequential[fc]/Flatten[0]', 'aten::flatten'],
        ['Net/Sequential[fc]/Linear[1]', 'aten::linear'],
      ]);
      const conv = g.node.find((n) => n.op === 'aten::conv2d')!;
      expect(conv.input).toEqual(['input/input', 'Net/Conv2d[conv]/conv.weight', 'Net/Conv2d[conv]/conv.bias']);
      expect(new TextDecoder().decode(conv.attr['attr']!.s)).toBe('{%input, %conv_weight, %conv_bias, stride=[1, 1], padding=[0, 0], dilation=[1, 1], groups=1}');
      const bn = g.node.find((n) => n.op === 'aten::batch_norm')!;
      expect(new TextDecoder().decode(bn.attr['attr']!.s)).toContain('False');
      const last = g.node[g.node.length - 1]!;
      expect([last.name, last.op, last.attr['_output_shapes']!.list!.shape[0]!.dim!.map((d) => d.size)]).toEqual(['output/output.1', 'IO Node', [2, 4]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
