// Data-driven autograd tests from autograd_basics.json, dispatched on each case's `kind`.
//
// Most cases carry the Python that produced them (`code`, or a `note` of the form `program  =>  result`); it
// runs through pyexpr.ts against inputs built from the case, and the case's fields are checked by name:
// `<v>` (value), `<v>_grad`, `<v>_grad_fn`, `<v>_requires_grad`, `<v>_is_leaf`, `<v>_retains_grad`, …
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as torch from '@tsgrad/core';
import { Tensor } from '@tsgrad/core';
import {
  TOL, capture_warnings, expectClose, expected_node_name, from_fixture, is_fixture_tensor, load_fixture, make_leaf, parse_leaf_specs, type FixtureTensor, type LeafSpec,
} from './helpers.js';
import { free_names, python_scope, run_python, type Scope } from './pyexpr.js';

type Case = Record<string, unknown> & { name: string; kind: string };
interface GraphNode {
  name: string;
  next?: { input_nr: number; node: GraphNode | null }[];
  variable?: string;
  variable_shape?: number[];
}
interface TableRow {
  expr: string;
  grad_fn?: string | null;
  next_functions?: { name: string | null; input_nr: number }[];
  requires_grad?: boolean;
  is_leaf?: boolean;
  second_backward_raises?: boolean;
  x_grad_after?: FixtureTensor | null;
  [key: string]: unknown;
}

const fixture = load_fixture<{ cases: Case[] }>('autograd_basics.json');
const { rtol, atol } = TOL.elementwise;
/** Spec §12 E2: a second backward through freed saved tensors. */
const E2 =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

/** Fields that describe a case rather than a value to check. */
const META_KEYS = new Set(['name', 'kind', 'note', 'code', 'level', 'scenario', 'rows', 'message_as_emitted_by_1_13']);

// ---- warnings ----------------------------------------------------------------------------------------------

afterEach(() => {
  vi.restoreAllMocks();
});

// ---- graph comparison -----------------------------------------------------------------------------------

/** `type(node).__name__` as the fixtures write it (AccumulateGrad's `.name()` is the C++ name). */
function class_name(node: torch.Node): string {
  return node instanceof torch.AccumulateGrad ? 'AccumulateGrad' : node.name();
}

/** Compares a tsgrad graph with a fixture graph node by node (names, input_nr, leaf identity and shape). */
function expect_graph(root: torch.Node | null, expected: GraphNode, scope: Scope): void {
  const stack: [torch.Node | null, GraphNode | null, string][] = [[root, expected, expected.name]];
  while (stack.length > 0) {
    const [node, want, path] = stack.pop()!;
    if (want === null) {
      expect(node, `${path}: no node expected`).toBeNull();
      continue;
    }
    expect(node, `${path}: node expected`).not.toBeNull();
    if (want.name === 'AccumulateGrad') {
      expect(node, path).toBeInstanceOf(torch.AccumulateGrad);
      const acc = node as torch.AccumulateGrad;
      expect(acc.name()).toBe('torch::autograd::AccumulateGrad');
      expect(acc.next_functions).toEqual([]);
      if (want.variable_shape !== undefined) expect(acc.variable.shape, `${path}.variable shape`).toEqual(want.variable_shape);
      if (want.variable !== undefined && scope.has(want.variable)) expect(acc.variable === scope.get(want.variable), `${path}.variable is leaf '${want.variable}'`).toBe(true);
      continue;
    }
    expect(node!.name(), path).toBe(expected_node_name(want.name, true));
    const next = want.next ?? [];
    expect(node!.next_functions.length, `${path}: number of next_functions`).toBe(next.length);
    next.forEach((edge, i) => {
      const [child, input_nr] = node!.next_functions[i]!;
      const child_path = `${path} → [${i}] ${edge.node?.name ?? 'None'}`;
      expect(input_nr, `${child_path} input_nr`).toBe(edge.input_nr);
      stack.push([child, edge.node, child_path]);
    });
  }
}

/** Leaf names and shapes of the AccumulateGrad nodes of a fixture graph. */
function graph_leaves(graph: GraphNode): Map<string, number[]> {
  const leaves = new Map<string, number[]>();
  const stack: GraphNode[] = [graph];
  while (stack.length > 0) {
    const g = stack.pop()!;
    if (g.name === 'AccumulateGrad' && g.variable !== undefined) leaves.set(g.variable, g.variable_shape ?? []);
    for (const e of g.next ?? []) if (e.node !== null) stack.push(e.node);
  }
  return leaves;
}

// ---- generic field checks -----------------------------------------------------------------------------

function fixture_value(v: unknown): unknown {
  return is_fixture_tensor(v) ? from_fixture(v) : v;
}

/** The longest scope variable `v` such that `key` is `v` or starts with `v_`. */
function split_key(key: string, scope: Scope): [string, string] | null {
  const parts = key.split('_');
  for (let n = parts.length; n >= 1; n--) {
    const v = parts.slice(0, n).join('_');
    if (scope.has(v) && (scope.get(v) instanceof Tensor || n === parts.length)) return [v, parts.slice(n).join('_')];
  }
  return null;
}

/** Reads `t.grad` and checks the W1 warning appears exactly when `t` is a non-leaf that does not retain grad. */
function read_grad(t: Tensor, what: string): Tensor | null {
  const [g, warnings] = capture_warnings(() => t.grad);
  const should_warn = !t.is_leaf && !t.retains_grad;
  expect(warnings.length, `${what}: W1 warning ${should_warn ? 'expected' : 'unexpected'}`).toBe(should_warn && g === null ? 1 : 0);
  return g;
}

/** Asserts `fn` throws an Error whose message is exactly `message`. */
function expect_throws_exactly(fn: () => unknown, message: string, what: string): void {
  let thrown: unknown = null;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `${what} raises`).toBeInstanceOf(Error);
  expect((thrown as Error).message, what).toBe(message);
}

function expect_tensor_or_null(actual: Tensor | null, expected: unknown, what: string): void {
  if (expected === null) expect(actual, `${what} is None`).toBeNull();
  else expectClose(actual, expected as FixtureTensor, rtol, atol, what);
}

/**
 * Checks every field of `c` named after a scope variable; returns the keys it checked. `phase` 'before'
 * checks only `<v>_..._before_backward` fields.
 */
function check_fields(c: Case, scope: Scope, phase: 'before' | 'after'): Set<string> {
  const checked = new Set<string>();
  for (const [key, expected] of Object.entries(c)) {
    if (META_KEYS.has(key)) continue;
    const before = key.endsWith('_before_backward');
    if ((phase === 'before') !== before) continue;
    const backward_error = /^backward_on_(\w+)_error$/.exec(key);
    if (backward_error !== null) {
      const err = expected as { message: string };
      expect_throws_exactly(() => (scope.get(backward_error[1]!) as Tensor).backward(), err.message, key);
      checked.add(key);
      continue;
    }
    const split = split_key(key, scope);
    if (split === null) continue;
    const [name, attr] = split;
    const value = scope.get(name);
    const what = `${c.name}.${key}`;
    if (attr === '') {
      if (value instanceof Tensor && is_fixture_tensor(expected)) expectClose(value, expected, rtol, atol, what);
      else if (value instanceof Tensor || is_fixture_tensor(expected)) expect.fail(`${what}: ${String(value)} vs ${JSON.stringify(expected)}`);
      else expect(value, what).toEqual(expected);
    } else if (!(value instanceof Tensor)) {
      continue;
    } else if (attr === 'grad_fn') {
      expect(value.grad_fn?.name() ?? null, what).toBe(expected_node_name(expected as string | null, true));
    } else if (attr === 'requires_grad' || attr === 'is_leaf' || attr === 'retains_grad') {
      expect(value[attr], what).toBe(expected);
    } else if (attr === 'grad' || attr.startsWith('grad_')) {
      expect_tensor_or_null(read_grad(value, what), expected, what);
    } else if (attr.startsWith('shares_storage_with_')) {
      const other = scope.get(attr.slice('shares_storage_with_'.length)) as Tensor;
      expect(value._storage === other._storage, what).toBe(expected);
    } else continue;
    checked.add(key);
  }
  return checked;
}

/** Fails on fields no check understood, so a new field cannot be silently ignored. */
function expect_all_checked(c: Case, checked: Set<string>, extra: string[] = []): void {
  const left = Object.keys(c).filter((k) => !META_KEYS.has(k) && !checked.has(k) && !extra.includes(k));
  expect(left, `${c.name}: fields without a check`).toEqual([]);
}

/** The program of a case: its `code`, or the part of its `note` before `=>`. */
function program_of(c: Case): string {
  if (typeof c.code === 'string') return c.code;
  if (typeof c.note === 'string' && c.note.includes('=>')) return c.note.split('=>')[0]!;
  throw new Error(`${c.name}: no program (code or 'note => result')`);
}

/**
 * A scope whose inputs are the case's fields named by the program's free variables. Float tensors become
 * leaves that require grad (a seed gradient requiring grad changes nothing without create_graph).
 */
function input_scope(c: Case, program: string): Scope {
  const vars: Record<string, unknown> = {};
  for (const name of free_names(program)) {
    if (!(name in c)) throw new Error(`${c.name}: program reads '${name}', which the case does not give`);
    const v = fixture_value(c[name]);
    vars[name] = v instanceof Tensor && v.is_floating_point() ? v.requires_grad_(true) : v;
  }
  return python_scope(vars);
}

/**
 * Runs a case's program and checks its fields (and its graph, rooted at the variable whose grad_fn it names);
 * `handled` lists fields the caller checks itself.
 */
function run_program_case(c: Case, handled: string[] = []): Scope {
  const program = program_of(c);
  const scope = input_scope(c, program);
  const checked = check_fields(c, scope, 'before');
  const value = run_python(program, scope);
  for (const k of check_fields(c, scope, 'after')) checked.add(k);
  if (c.graph !== undefined) {
    const graph = c.graph as GraphNode;
    const root_key = Object.keys(c).find((k) => k.endsWith('_grad_fn') && c[k] === graph.name);
    const root = root_key === undefined ? value : scope.get(root_key.slice(0, -'_grad_fn'.length));
    expect_graph((root as Tensor).grad_fn, graph, scope);
    checked.add('graph');
  }
  expect_all_checked(c, checked, handled);
  return scope;
}

// ---- leaves of tables and graphs ------------------------------------------------------------------

const gen = new torch.Generator().manual_seed(1234);

function leaves_from_specs(specs: Map<string, LeafSpec>, requires_grad?: (name: string) => boolean): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const spec of specs.values()) {
    if (spec.shape === undefined && spec.values === undefined) continue;
    const rg = spec.dtype === 'float32' && (requires_grad?.(spec.name) ?? spec.requires_grad ?? false);
    out[spec.name] = make_leaf(spec, gen, rg);
  }
  return out;
}

/** Small candidate inputs for a name a graph case uses but does not describe (its structure needs no values). */
function* candidate_inputs(): Generator<Tensor> {
  for (let n = 1; n <= 8; n++) yield torch.zeros([n], { dtype: 'int64' });
  for (let n = 1; n <= 8; n++) yield torch.randn([n], { generator: gen });
  for (let c = 1; c <= 4; c++) for (let s = 1; s <= 32; s++) yield torch.randn([1, c, s, s], { generator: gen });
}

/** Runs `program` with the unknown names bound to the first candidates that make it run. */
function run_with_unknowns(program: string, known: Record<string, unknown>, unknown: string[]): [unknown, Scope] {
  if (unknown.length > 1) throw new Error(`cannot infer more than one undescribed input: ${unknown.join(', ')}`);
  const attempts = unknown.length === 0 ? [null] : candidate_inputs();
  let last_error: unknown = null;
  for (const cand of attempts) {
    const scope = python_scope(cand === null ? known : { ...known, [unknown[0]!]: cand });
    try {
      return [run_python(program, scope), scope];
    } catch (e) {
      last_error = e;
    }
  }
  throw new Error(`no input makes the program run: ${String(last_error)}`);
}

// ---- kinds ----------------------------------------------------------------------------------------------

const KINDS: Record<string, (c: Case) => void> = {
  backward_with_gradient: (c) => void run_program_case(c),
  Q_external_grad: (c) => void run_program_case(c),
  mean_of_3a2: (c) => void run_program_case(c),
  retain_grad: (c) => void run_program_case(c),
  detach: (c) => void run_program_case(c),
  autograd_grad: (c) => void run_program_case(c),

  backward_twice_retain_graph: (c) => {
    // the case gives x, scale and the seed; the scenario is y = x * scale backpropagated twice
    const scope = input_scope(c, 'x * scale; gradient');
    run_python('y = x * scale; y.backward(gradient, retain_graph=True)', scope);
    const x = scope.get('x') as Tensor;
    const first = x.grad!;
    expectClose(first, c.x_grad_after_first as FixtureTensor, rtol, atol, 'x.grad after the first backward');
    run_python('y.backward(gradient, retain_graph=True)', scope);
    expect(x.grad, 'the second backward accumulates into the same tensor').toBe(first);
    expectClose(x.grad, c.x_grad_after_second as FixtureTensor, rtol, atol, 'x.grad after the second backward');
    expect_all_checked(c, new Set(['x_grad_after_first', 'x_grad_after_second']), ['x', 'scale', 'gradient']);
  },

  no_grad: (c) => {
    run_program_case(c, ['is_grad_enabled_inside', 'is_grad_enabled_outside']);
    const ctx = /with\s+(.+?):/.exec(c.code as string)![1]!;
    expect(run_python(`with ${ctx}: torch.is_grad_enabled()`)).toBe(c.is_grad_enabled_inside);
    expect(torch.is_grad_enabled()).toBe(c.is_grad_enabled_outside);
  },

  error: (c) => {
    // the code defines a function (run it) or is the scenario itself
    expect_throws_exactly(() => {
      const value = run_python(c.code as string, python_scope());
      if (typeof value === 'function') (value as () => unknown)();
    }, c.message as string, c.scenario as string);
  },

  warning: (c) => {
    const scope = python_scope();
    const [value, warnings] = capture_warnings(() => run_python(c.code as string, scope));
    expect(value).toEqual(c.value);
    expect(warnings).toEqual([[c.message, c.category]]);
    // reading .grad of a leaf never warns
    for (const t of scope.values()) if (t instanceof Tensor && t.is_leaf) read_grad(t, 'leaf .grad');
  },

  graph: (c) => {
    const graph = c.graph as GraphNode;
    const [program, comment = ''] = (c.code as string).split('#');
    const grad_leaves = graph_leaves(graph);
    const specs = parse_leaf_specs(comment);
    const known: Record<string, unknown> = leaves_from_specs(specs, (n) => grad_leaves.has(n));
    for (const [name, shape] of grad_leaves) known[name] = torch.randn(shape, { generator: gen }).requires_grad_(true);
    const unknown = free_names(program!).filter((n) => !(n in known));
    const [value, scope] = run_with_unknowns(program!, known, unknown);
    // the root: the program's value, or else the last variable whose node is the graph's top node
    const named = scope.values().filter((v): v is Tensor => v instanceof Tensor && v.grad_fn?.name() === expected_node_name(graph.name, true));
    const root = value instanceof Tensor ? value : named[named.length - 1];
    expect(root, 'the graph root').toBeInstanceOf(Tensor);
    expect_graph(root!.grad_fn, graph, scope);
  },

  flags: (c) => {
    // one scope for all rows, as in the fixture's session; a name used before any row defines it is a layer
    // whose input size only shows at its first call (nn.LazyLinear)
    torch.manual_seed(0);
    const scope = python_scope();
    for (const row of c.rows as TableRow[]) {
      for (const name of free_names(row.expr)) if (!scope.has(name)) scope.set(name, run_python('nn.LazyLinear(2)'));
      const v = run_python(row.expr, scope);
      expect(v, row.expr).toBeInstanceOf(Tensor);
      const t = v as Tensor;
      expect(t.requires_grad, `${row.expr}: requires_grad`).toBe(row.requires_grad);
      expect(t.is_leaf, `${row.expr}: is_leaf`).toBe(row.is_leaf);
      expect(t.grad_fn?.name() ?? null, `${row.expr}: grad_fn`).toBe(expected_node_name(row.grad_fn ?? null, true));
    }
  },

  grad_none_rules: (c) => {
    // code: "<names> require grad, <names> does not; <statement>"
    const [prose, ...rest] = (c.code as string).split(';');
    const m = /^\s*([\w\s,]+?)\s+requires?\s+grad\s*,\s*([\w\s,]+?)\s+does not\s*$/.exec(prose!);
    expect(m, `understands "${prose}"`).not.toBeNull();
    const with_grad = m![1]!.split(',').map((s) => s.trim());
    const without = m![2]!.split(',').map((s) => s.trim());
    const given = Object.entries(c).find(([, v]) => is_fixture_tensor(v))![1] as FixtureTensor;
    const vars: Record<string, Tensor> = {};
    for (const n of [...with_grad, ...without]) {
      vars[n] = is_fixture_tensor(c[n]) ? from_fixture(c[n]) : torch.randn(given.shape, { generator: gen });
      if (with_grad.includes(n)) vars[n].requires_grad_(true);
    }
    const scope = python_scope(vars);
    const checked = check_fields(c, scope, 'before');
    run_python(rest.join(';'), scope);
    for (const k of check_fields(c, scope, 'after')) checked.add(k);
    expect_all_checked(c, checked);
  },
};

/** The leaves a table's note describes, fresh for each row. */
function table_leaves(note: string): Record<string, Tensor> {
  return leaves_from_specs(parse_leaf_specs(note), () => true);
}

/** Kinds whose rows are independent checks: each row is its own test, titled by `title`. */
const ROW_KINDS: Record<string, { title: (row: TableRow) => string; check: (c: Case, row: TableRow) => void }> = {
  grad_fn_table: {
    title: (row) => row.expr,
    check: (c, row) => {
      const t = run_python(row.expr, python_scope(table_leaves(c.note as string)));
      expect(t).toBeInstanceOf(Tensor);
      const out = t as Tensor;
      expect(out.grad_fn?.name() ?? null, 'grad_fn').toBe(expected_node_name(row.grad_fn ?? null, true));
      const next = (out.grad_fn?.next_functions ?? []).map(([n, nr]) => ({ name: n === null ? null : class_name(n), input_nr: nr }));
      expect(next, 'next_functions').toEqual((row.next_functions ?? []).map((e) => ({ ...e, name: e.name === null ? null : expected_node_name(e.name, true) })));
      expect(out.requires_grad, 'requires_grad').toBe(row.requires_grad);
      expect(out.is_leaf, 'is_leaf').toBe(row.is_leaf);
    },
  },
  second_backward_table: {
    title: (row) => `${row.expr}: second backward ${row.second_backward_raises ? 'raises' : 'accumulates'}`,
    check: (c, row) => {
      const scope = python_scope(table_leaves(c.note as string));
      const out = run_python(row.expr, scope) as Tensor;
      out.backward();
      if (row.second_backward_raises) {
        expect_throws_exactly(() => out.backward(), E2, 'second backward');
        return;
      }
      out.backward();
      const grad_key = Object.keys(row).find((k) => k.endsWith('_grad_after'))!;
      const leaf = scope.get(grad_key.slice(0, -'_grad_after'.length)) as Tensor;
      expectClose(leaf.grad, row[grad_key] as FixtureTensor, rtol, atol, grad_key);
    },
  },
};

describe('autograd_basics.json', () => {
  it('has a handler for every kind', () => {
    expect(fixture.cases.length).toBeGreaterThan(0);
    expect(fixture.cases.map((c) => c.kind).filter((k) => KINDS[k] === undefined && ROW_KINDS[k] === undefined)).toEqual([]);
  });

  for (const c of fixture.cases) {
    const rows = ROW_KINDS[c.kind];
    if (rows !== undefined) {
      describe(`${c.kind}: ${c.name}`, () => {
        for (const row of c.rows as TableRow[]) it(rows.title(row), () => rows.check(c, row));
      });
      continue;
    }
    it(`${c.kind}: ${c.name}`, () => {
      const handler = KINDS[c.kind];
      if (handler === undefined) throw new Error(`no handler for kind '${c.kind}'`);
      handler(c);
    });
  }
});
