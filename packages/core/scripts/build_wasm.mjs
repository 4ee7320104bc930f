// Assembles src/kernels/wasm/kernels.wat with wabt and writes its bytes as base64 into kernels_wasm.generated.ts
// (as written, and a relaxed-SIMD variant whose GEMM tiles multiply-add with f32x4.relaxed_madd);
// transpiles driver.ts's make_driver into driver_source.generated.ts, the source text worker threads run.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import wabt_init from 'wabt';

const wat_path = fileURLToPath(new URL('../src/kernels/wasm/kernels.wat', import.meta.url));
export const generated_path = fileURLToPath(new URL('../src/kernels/wasm/kernels_wasm.generated.ts', import.meta.url));
const driver_path = fileURLToPath(new URL('../src/kernels/wasm/driver.ts', import.meta.url));
export const driver_generated_path = fileURLToPath(new URL('../src/kernels/wasm/driver_source.generated.ts', import.meta.url));

const FEATURES = { simd: true, threads: true, bulk_memory: true, relaxed_simd: true };

/** A GEMM tile's accumulate as kernels.wat writes it: `acc += x * b`, each a local. */
const MUL_ADD = /\(f32x4\.add \(local\.get (\$\w+)\) \(f32x4\.mul \(local\.get (\$\w+)\) \(local\.get (\$\w+)\)\)\)/g;
/** How many of them kernels.wat has (the packed, the indirect and the taps 4 x 8 tiles, 8 each): a check on the rewrite. */
const MUL_ADDS = 24;

/**
 * kernels.wat with every GEMM accumulate `(f32x4.add acc (f32x4.mul x b))` written as one
 * `(f32x4.relaxed_madd x b acc)`, which the engine may fuse into an FMA (one rounding instead of two).
 * Nothing else changes, so the two modules export the same functions with the same signatures.
 */
export function relaxed_text(text) {
  let count = 0;
  const out = text.replace(MUL_ADD, (_m, acc, x, b) => {
    count++;
    return `(f32x4.relaxed_madd (local.get ${x}) (local.get ${b}) (local.get ${acc}))`;
  });
  if (count !== MUL_ADDS) throw new Error(`kernels.wat has ${count} GEMM multiply-adds, expected ${MUL_ADDS}: update MUL_ADDS`);
  return out;
}

/** The index just past the s-expression opening at `start` (a `(`), skipping `;;` comments. */
function sexpr_end(text, start) {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (ch === ';' && text[i + 1] === ';') i = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i + 1;
  }
  throw new Error(`kernels.wat: unbalanced parentheses from offset ${start}`);
}

/** The s-expressions directly inside the one spanning [start, end) (comments and the head words skipped). */
function children(text, start, end) {
  const out = [];
  for (let i = start + 1; i < end - 1; i++) {
    if (text[i] === ';' && text[i + 1] === ';') i = text.indexOf('\n', i);
    else if (text[i] === '(') {
      const e = sexpr_end(text, i);
      out.push(text.slice(i, e));
      i = e - 1;
    }
  }
  return out;
}

/** A function to inline: its header line ends with this comment. */
const INLINE_MARK = /\(func \$(\w+) ([^\n]*?);; @inline\n/g;

/**
 * kernels.wat with every `(call $f arg...)` of a function marked `;; @inline` replaced by the function's body
 * in a block: V8 (Node 20) does not inline wasm calls, and a call per vector in an elementwise loop costs as
 * much as the exp it calls. The body's params and locals become locals of the caller named `$f__name`
 * (declared once per caller; successive expansions reuse them, each setting its params first), and the marked
 * functions are dropped. Marked functions may call each other (expanded until none is left).
 */
export function inline_text(text) {
  const fns = new Map();
  for (const m of text.matchAll(INLINE_MARK)) {
    const start = m.index;
    const end = sexpr_end(text, start);
    const items = children(text, start, end);
    const params = [];
    const locals = [];
    const body = [];
    for (const item of items) {
      const decl = /^\((param|local) \$(\w+) (\w+)\)$/.exec(item);
      if (decl !== null) (decl[1] === 'param' ? params : locals).push([decl[2], decl[3]]);
      else if (/^\(result /.test(item)) continue;
      else if (/^\((param|local) /.test(item)) throw new Error(`kernels.wat: ${m[1]}: declare one ${item.slice(1, 6)} per parenthesis to inline it`);
      else body.push(item.replace(/(local\.(?:get|set|tee) )\$(\w+)/g, `$1$${m[1]}__$2`));
    }
    fns.set(m[1], { start, end, params, locals, body });
  }
  // drop the marked functions (from the last, so earlier offsets stay valid)
  let out = text;
  for (const f of [...fns.values()].sort((a, b) => b.start - a.start)) out = out.slice(0, f.start) + out.slice(f.end).replace(/^\n/, '');
  if (fns.size === 0) return out;
  const call = new RegExp(`\\(call \\$(${[...fns.keys()].join('|')}) `);
  // every function calling a marked one: expand its calls, then declare the locals they brought
  const func = /\(func /g;
  let result = '';
  let last = 0;
  for (let m = func.exec(out); m !== null; m = func.exec(out)) {
    const end = sexpr_end(out, m.index);
    let f_text = out.slice(m.index, end);
    const needed = new Map();
    for (let c = call.exec(f_text); c !== null; c = call.exec(f_text)) {
      const name = c[1];
      const fn = fns.get(name);
      const c_end = sexpr_end(f_text, c.index);
      const args = children(f_text, c.index, c_end);
      if (args.length !== fn.params.length) throw new Error(`kernels.wat: call $${name} with ${args.length} arguments, it takes ${fn.params.length}`);
      for (const [v, type] of [...fn.params, ...fn.locals]) needed.set(`$${name}__${v}`, type);
      const sets = fn.params.map(([v], i) => `(local.set $${name}__${v} ${args[i]})`).join(' ');
      f_text = `${f_text.slice(0, c.index)}(block (result v128) ${sets} ${fn.body.join(' ')})${f_text.slice(c_end)}`;
    }
    if (needed.size > 0) {
      // after the function's own params, result and locals
      const items = children(f_text, 0, f_text.length);
      const head = items.findIndex((item) => !/^\((param|result|local|export) /.test(item));
      const at = head === -1 ? f_text.length - 1 : f_text.indexOf(items[head]);
      const decls = [...needed].map(([v, type]) => `(local ${v} ${type})`).join(' ');
      f_text = `${f_text.slice(0, at)}${decls}\n    ${f_text.slice(at)}`;
    }
    result += out.slice(last, m.index) + f_text;
    last = end;
    func.lastIndex = end;
  }
  return result + out.slice(last);
}

/** Assembles WAT text to bytes without debug names, so the output depends on the source only. */
function assemble(wabt, name, text) {
  const parsed = wabt.parseWat(name, text, FEATURES);
  try {
    parsed.validate(FEATURES);
    return parsed.toBinary({ log: false, write_debug_names: false }).buffer;
  } finally {
    parsed.destroy();
  }
}

/**
 * The generated module's full text for the current kernels.wat: the module as written, whose memory import
 * is shared (for worker threads), and the same module importing an unshared memory, for engines without
 * SharedArrayBuffer (a browser page that is not cross-origin isolated); and both again with relaxed SIMD's
 * multiply-add in the GEMM tiles, for engines that validate it. Deterministic, so rebuilding an unchanged
 * source reproduces the checked-in file byte for byte.
 * @returns TypeScript source exporting `KERNELS_WASM_SHARED_BASE64`, `KERNELS_WASM_BASE64` and their
 *   `_RELAXED_` twins
 */
export async function render_kernels_module() {
  const wabt = await wabt_init();
  const text = inline_text(readFileSync(wat_path, 'utf8'));
  const memory_line = /\(memory 1 (\d+) shared\)/;
  if (!memory_line.test(text)) throw new Error('kernels.wat must import its memory as `(memory 1 <max> shared)`');
  const shared = assemble(wabt, 'kernels.wat', text);
  const unshared = assemble(wabt, 'kernels.wat', text.replace(memory_line, '(memory 1 $1)'));
  const relaxed = relaxed_text(text);
  const relaxed_shared = assemble(wabt, 'kernels.wat', relaxed);
  const relaxed_unshared = assemble(wabt, 'kernels.wat', relaxed.replace(memory_line, '(memory 1 $1)'));
  const b64 = (bytes) => Buffer.from(bytes).toString('base64');
  return [
    '// GENERATED by packages/core/scripts/build_wasm.mjs from kernels.wat; do not edit, rerun the script.',
    '',
    `/** The assembled kernels.wat (${shared.length} bytes), base64, so it loads synchronously everywhere. */`,
    `export const KERNELS_WASM_SHARED_BASE64 =\n  '${b64(shared)}';`,
    '',
    '/** The same module importing an unshared memory, for engines without SharedArrayBuffer. */',
    `export const KERNELS_WASM_BASE64 =\n  '${b64(unshared)}';`,
    '',
    '/** KERNELS_WASM_SHARED_BASE64 with its GEMM tiles multiplying-adding by f32x4.relaxed_madd (relaxed SIMD). */',
    `export const KERNELS_WASM_RELAXED_SHARED_BASE64 =\n  '${b64(relaxed_shared)}';`,
    '',
    '/** KERNELS_WASM_BASE64 with relaxed SIMD\'s multiply-add, for engines with it but without SharedArrayBuffer. */',
    `export const KERNELS_WASM_RELAXED_BASE64 =\n  '${b64(relaxed_unshared)}';`,
    '',
  ].join('\n');
}

/**
 * driver.ts's make_driver as plain JavaScript source text: an expression evaluating to the function. Workers
 * (Node worker threads, browser Web Workers) evaluate this text, never the bundled copy of make_driver, which
 * a bundler may have rewritten (esbuild's keepNames adds calls to a helper that lives outside the function).
 * @returns TypeScript source exporting `DRIVER_SOURCE`
 */
export function render_driver_module() {
  const { outputText } = ts.transpileModule(readFileSync(driver_path, 'utf8'), {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, removeComments: true },
  });
  const body = outputText.replace(/^export /gm, '').replace(/^\/\/# sourceMappingURL=.*$/m, '').trim();
  if (/^\s*import /m.test(body)) throw new Error('driver.ts must not import anything: workers evaluate it alone');
  return [
    '// GENERATED by packages/core/scripts/build_wasm.mjs from driver.ts; do not edit, rerun the script.',
    '',
    '/** make_driver as JavaScript source text, an expression giving the function; workers evaluate it. */',
    `export const DRIVER_SOURCE = ${JSON.stringify(`(() => {\n${body}\nreturn make_driver;\n})()`)};`,
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(generated_path, await render_kernels_module());
  console.log(`wrote ${generated_path}`);
  writeFileSync(driver_generated_path, render_driver_module());
  console.log(`wrote ${driver_generated_path}`);
}
