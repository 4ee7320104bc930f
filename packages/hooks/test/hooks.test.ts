import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventBus, HookDict, HookFlags, RemovableHandle } from '@tsgrad/hooks';

describe('RemovableHandle', () => {
  it('draws ids from one increasing counter shared by every map', () => {
    const a = new HookDict<() => void>();
    const b = new HookDict<() => void>();
    const h1 = a.add(() => {});
    const h2 = b.add(() => {});
    const h3 = a.add(() => {});
    expect(h2.id).toBe(h1.id + 1);
    expect(h3.id).toBe(h2.id + 1);
  });

  it('remove() is idempotent and clears side maps', () => {
    const hooks = new HookDict<() => void>();
    const flags = new HookFlags();
    const h = hooks.add(() => {}, { extra_dicts: [flags] });
    flags.set(h.id, true);
    h.remove();
    h.remove();
    expect(hooks.size).toBe(0);
    expect(flags.size).toBe(0);
    expect(h.is_registered).toBe(false);
  });

  it('is disposable with `using`', () => {
    const hooks = new HookDict<() => void>();
    {
      using h = hooks.add(() => {});
      expect(hooks.has(h.id)).toBe(true);
    }
    expect(hooks.size).toBe(0);
  });

  it('removes from a plain Map too (held weakly, for long-lived maps built by hand)', () => {
    const map = new Map<number, string>();
    const handle = new RemovableHandle(map);
    map.set(handle.id, 'hook');
    expect(handle.is_registered).toBe(true);
    handle.remove();
    expect(map.size).toBe(0);
    expect(handle.is_registered).toBe(false);
  });

  it('never references its maps: nothing reachable from a handle is a map or a hook', () => {
    const hook = (): string => 'captured';
    const hooks = new HookDict<() => string>();
    const flags = new HookFlags();
    const h = hooks.add(hook, { extra_dicts: [flags] });
    flags.set(h.id, true);
    const seen = new Set<unknown>();
    const stack: unknown[] = [h];
    while (stack.length > 0) {
      const v = stack.pop();
      if (typeof v !== 'object' || v === null || seen.has(v)) continue;
      seen.add(v);
      stack.push(...(v instanceof Set || v instanceof Map ? [...v.values()] : Object.values(v)));
    }
    expect(seen.has(hooks) || seen.has(flags) || [...seen].some((v) => v === hook)).toBe(false);
  });

  it('reflects deletions made on the map itself', () => {
    const hooks = new HookDict<() => void>();
    const [a, b, c] = [hooks.add(() => {}), hooks.add(() => {}), hooks.add(() => {})];
    hooks.delete(a.id);
    expect([a, b, c].map((h) => h.is_registered)).toEqual([false, true, true]);
    hooks.clear();
    expect([a, b, c].map((h) => h.is_registered)).toEqual([false, false, false]);
    b.remove();
    const d = hooks.add(() => {});
    expect([...hooks.keys()]).toEqual([d.id]);
  });

  it('any sequence of add, prepend, remove and map deletions agrees with an ordered-list model', () => {
    type Op = { kind: 'add' | 'prepend' | 'remove' | 'delete' | 'clear' | 'read'; pick: number };
    const op = fc.record({ kind: fc.constantFrom('add', 'prepend', 'remove', 'delete', 'clear', 'read'), pick: fc.nat(20) }) as fc.Arbitrary<Op>;
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const hooks = new HookDict<number>();
        const flags = new HookFlags();
        const handles: RemovableHandle[] = [];
        let model: number[] = [];
        for (const { kind, pick } of ops) {
          const target = handles[pick % Math.max(1, handles.length)];
          if (kind === 'add' || kind === 'prepend') {
            const h = hooks.add(handles.length, { prepend: kind === 'prepend', extra_dicts: [flags] });
            flags.set(h.id, true);
            model = kind === 'prepend' ? [h.id, ...model] : [...model, h.id];
            handles.push(h);
          } else if (kind === 'remove' && target !== undefined) {
            target.remove();
            model = model.filter((id) => id !== target.id);
          } else if (kind === 'delete' && target !== undefined) {
            expect(hooks.delete(target.id)).toBe(model.includes(target.id));
            flags.delete(target.id);
            model = model.filter((id) => id !== target.id);
          } else if (kind === 'clear') {
            hooks.clear();
            flags.clear();
            model = [];
          } else if (target !== undefined) {
            expect(hooks.has(target.id)).toBe(model.includes(target.id));
          }
          expect(hooks.snapshot().map(([id]) => id)).toEqual(model);
          expect([...flags.keys()].sort((u, v) => u - v)).toEqual([...model].sort((u, v) => u - v));
          expect(hooks.size).toBe(model.length);
          expect(handles.filter((h) => h.is_registered).map((h) => h.id).sort((u, v) => u - v)).toEqual([...model].sort((u, v) => u - v));
        }
      }),
    );
  });
});

describe('HookDict', () => {
  it('keeps registration order and honours prepend', () => {
    const hooks = new HookDict<string>();
    hooks.add('a');
    hooks.add('b');
    hooks.add('c', { prepend: true });
    expect([...hooks.values()]).toEqual(['c', 'a', 'b']);
  });

  it('snapshots are unaffected by later removal and addition', () => {
    const hooks = new HookDict<string>();
    const h = hooks.add('a');
    hooks.add('b');
    const snap = hooks.snapshot();
    h.remove();
    hooks.add('c');
    expect(snap.map(([, v]) => v)).toEqual(['a', 'b']);
    expect([...hooks.values()]).toEqual(['b', 'c']);
  });
});

describe('EventBus', () => {
  it('broadcasts typed events and unsubscribes', () => {
    const bus = new EventBus<{ step: [number] }>();
    const seen: number[] = [];
    const off = bus.on('step', (v) => seen.push(v));
    bus.emit('step', 1);
    off();
    bus.emit('step', 2);
    expect(seen).toEqual([1]);
  });
});
