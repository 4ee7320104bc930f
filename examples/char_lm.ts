// Character-level language models on Debian's word list (/usr/share/dict/words, package wamerican): an LSTM or a
// small GPT learns to spell words one letter at a time, then samples new ones. A progress bar on a terminal and a
// line per epoch with training and validation loss and throughput; the weights are written as safetensors and the
// loss curve as JSON. char_lm_torch.py is the same recipe in PyTorch.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import { EventBus } from '@tsgrad/hooks';
import * as nn from '@tsgrad/nn';
import { int_option, run_if_main, UsageError, type Log } from './run_main.js';
import { TinyGPT } from './sequence_models.js';
import { attach_progress, type TrainEvents } from './train_mnist.js';

const HELP = `Usage: node examples/dist/char_lm.js [options]

Trains a character-level language model on /usr/share/dict/words and samples new words.

  --model <lstm|gpt>   an LSTM, or a small GPT with weight tying (default lstm)
  --epochs <n>         epochs (default 4)
  --batch-size <n>     words per batch (default 64)
  --lr <x>             Adam learning rate (default 0.003)
  --limit <n>          training words, spread evenly over the list (default 4096)
  --val <n>            validation words, spread evenly over the list and disjoint from the training words (default 1024)
  --seed <n>           seed for init, batch order and sampling (default 0)
  --samples <n>        words sampled after training (default 10)
  --words <file>       the word list (default /usr/share/dict/words)
  --out <dir>          where the weights are written (default out)
  --curve <file>       write the loss curve here (JSON: per-epoch training and validation loss, per-window training loss)
  --no-shuffle         batches in the split's order every epoch (to compare with the twin step by step)
  --init <file>        start from this state_dict (safetensors), e.g. one the twin wrote with --save-init
  --save-init <file>   write the initial state_dict here (safetensors)
  --help               this text

The data do not depend on the seed: the same words train and validate every run, in tsgrad and in the twin.`;

/** Index 0 ('.') marks the start and the end of a word; 1–26 are the letters. */
export const ALPHABET = '.abcdefghijklmnopqrstuvwxyz';
/** Longest word kept; sequences are one longer ('.' + word, or word + '.'). */
export const MAX_LEN = 12;
export const BLOCK_SIZE = MAX_LEN + 1;
export const DEFAULT_WORDS = '/usr/share/dict/words';

export interface CharLMOptions {
  model: 'lstm' | 'gpt';
  epochs: number;
  batch_size: number;
  lr: number;
  limit: number;
  val: number;
  seed: number;
  samples: number;
  words: string;
  out: string | null;
  curve: string | null;
  shuffle?: boolean;
  init?: string | null;
  save_init?: string | null;
}

export const DEFAULTS: CharLMOptions = { model: 'lstm', epochs: 4, batch_size: 64, lr: 0.003, limit: 4096, val: 1024, seed: 0, samples: 10, words: DEFAULT_WORDS, out: 'out', curve: null };
/** Training steps per point of the curve's `window_loss`. */
export const WINDOW = 16;

/** The distinct lowercase a–z words of 2 to MAX_LEN letters, in file order. */
export function load_words(path: string): string[] {
  const seen = new Set<string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const w = line.trim();
    if (w.length >= 2 && w.length <= MAX_LEN && /^[a-z]+$/.test(w)) seen.add(w);
  }
  return [...seen];
}

/** `count` indices spread evenly over `0 … n-1` (`floor(k·n / count)`), all of them when `count >= n`. */
function spread(n: number, count: number): number[] {
  return count >= n ? Array.from({ length: n }, (_, k) => k) : Array.from({ length: count }, (_, k) => Math.floor((k * n) / count));
}

/**
 * The fixed data split: `val` validation words spread evenly over the list, then `limit` training words spread
 * evenly over the rest (both in list order). No randomness, so every seed and both frameworks see the same words.
 *
 * @example
 * split_words(load_words(DEFAULT_WORDS), 4096, 1024); // { train: [4096 words], val: [1024 words] }
 */
export function split_words(all: readonly string[], limit: number, val: number): { train: string[]; val: string[] } {
  const val_idx = new Set(spread(all.length, val));
  const rest = all.filter((_, i) => !val_idx.has(i));
  return { train: spread(rest.length, limit).map((i) => rest[i]!), val: [...val_idx].map((i) => all[i]!) };
}

/** Inputs `'.' + word` and targets `word + '.'` as int64 `[B, BLOCK_SIZE]`; targets past the end are -100 (ignored). */
export function encode(words: readonly string[]): { x: Tensor; y: Tensor } {
  const x = new Float64Array(words.length * BLOCK_SIZE);
  const y = new Float64Array(words.length * BLOCK_SIZE).fill(-100);
  words.forEach((w, b) => {
    const ids = [...w].map((ch) => ALPHABET.indexOf(ch));
    [0, ...ids].forEach((id, t) => (x[b * BLOCK_SIZE + t] = id));
    [...ids, 0].forEach((id, t) => (y[b * BLOCK_SIZE + t] = id));
  });
  return { x: torch.from_array(x, [words.length, BLOCK_SIZE], 'int64'), y: torch.from_array(y, [words.length, BLOCK_SIZE], 'int64') };
}

/**
 * Embedding → LSTM → Linear over the characters, predicting the next one at every position.
 *
 * @example
 * new CharLSTM().call(x).shape; // [B, T, 27]
 */
export class CharLSTM extends nn.Module {
  static override readonly __name__ = 'CharLSTM';
  declare embedding: nn.Embedding;
  declare lstm: nn.LSTM;
  declare head: nn.Linear;
  constructor(embed_dim = 32, hidden = 128) {
    super();
    this.embedding = new nn.Embedding(ALPHABET.length, embed_dim);
    this.lstm = new nn.LSTM(embed_dim, hidden, { batch_first: true });
    this.head = new nn.Linear(hidden, ALPHABET.length);
  }
  override forward(tokens: Tensor): Tensor {
    const [out] = this.lstm.call(this.embedding.call(tokens));
    return this.head.call(out);
  }
}

/**
 * The model of `kind` with the recipe's sizes (the same in char_lm_torch.py). The GPT's token embedding, which
 * is also its output head, starts as N(0, 0.02²) as in GPT-2 rather than nn.Embedding's N(0, 1): with N(0, 1) the
 * first logits have a standard deviation of about 8 and the first loss is near 60 instead of ln 27 ≈ 3.3.
 */
export function build_model(kind: CharLMOptions['model']): nn.Module {
  if (kind === 'lstm') return new CharLSTM();
  const gpt = new TinyGPT({ vocab: ALPHABET.length, block_size: BLOCK_SIZE, d_model: 64, n_head: 4, n_layer: 2 });
  nn.init.normal_(gpt.tok_emb.weight, 0, 0.02);
  return gpt;
}

/** The mean next-character loss over the non-padding positions. */
export function lm_loss(model: nn.Module, x: Tensor, y: Tensor): Tensor {
  const logits = model.call(x) as Tensor;
  return torch.cross_entropy(logits.reshape([-1, ALPHABET.length]), y.reshape([-1]));
}

/** Samples words letter by letter from the model's softmax until '.' (or MAX_LEN letters). */
export function sample_words(model: nn.Module, n: number, generator: torch.Generator): string[] {
  model.eval();
  const words: string[] = [];
  torch.no_grad(() => {
    for (let k = 0; k < n; k++) {
      const ids = [0];
      while (ids.length <= MAX_LEN) {
        const logits = model.call(torch.tensor([ids], { dtype: 'int64' })) as Tensor;
        const probs = torch.softmax(logits.select(1, ids.length - 1).select(0, 0), 0).data_array();
        let u = generator.random();
        let next = probs.length - 1;
        for (let i = 0; i < probs.length; i++) {
          u -= probs[i]!;
          if (u <= 0) {
            next = i;
            break;
          }
        }
        if (next === 0) break;
        ids.push(next);
      }
      words.push(ids.slice(1).map((i) => ALPHABET[i]).join(''));
    }
  });
  model.train();
  return words;
}

/** The mean next-character loss of `words` in eval mode without gradients, in batches of 256 words. */
export function eval_loss(model: nn.Module, words: readonly string[]): number {
  const was_training = model.training;
  model.eval();
  let total = 0;
  let count = 0;
  torch.no_grad(() => {
    for (let i = 0; i < words.length; i += 256) {
      const batch = words.slice(i, i + 256);
      const { x, y } = encode(batch);
      const n = batch.reduce((s, w) => s + w.length + 1, 0);
      total += lm_loss(model, x, y).item() * n;
      count += n;
    }
  });
  model.train(was_training);
  return total / count;
}

/** What `--curve` writes, the same fields as char_lm_torch.py's. */
export interface LossCurve {
  framework: string;
  model: CharLMOptions['model'];
  seed: number;
  epochs: number;
  batch_size: number;
  lr: number;
  /** Mean training loss of each epoch. */
  train_loss: number[];
  /** Validation loss before training (index 0) and after each epoch. */
  val_loss: number[];
  /** Mean training loss of each run of WINDOW steps (the last may be shorter). */
  window_loss: number[];
  window: number;
  samples: string[];
  seconds: number;
}

export interface CharLMResult {
  model: nn.Module;
  /** Mean training loss of each epoch. */
  losses: number[];
  curve: LossCurve;
  samples: string[];
  weights_path: string | null;
}

/**
 * Trains with Adam on the split's training words for `epochs` (batch order from `seed`), logging one line per
 * epoch, then samples words and writes the weights (`<out>/char_lm_<model>.safetensors`) when `out` is set and the
 * curve when `curve` is.
 */
export function train_char_lm(options: CharLMOptions, log: Log = console.log, progress = process.stderr.isTTY === true): CharLMResult {
  torch.manual_seed(options.seed);
  const gen = new torch.Generator().manual_seed(options.seed);
  const all = load_words(options.words);
  const { train: words, val } = split_words(all, options.limit, options.val);
  const model = build_model(options.model);
  if (options.init != null) model.load_state_dict(nn.load_file(options.init));
  if (options.save_init != null) nn.save_file(model.state_dict(), options.save_init, { format: 'pt' });
  const opt = new nn.optim.Adam(model.parameters(), { lr: options.lr });
  const n_params = [...model.parameters()].reduce((s, p) => s + p.numel(), 0);
  log(`${options.model}: ${n_params} parameters, ${words.length} training and ${val.length} validation words of ${all.length}, batch ${options.batch_size}`);
  const losses: number[] = [];
  const val_loss = [eval_loss(model, val)];
  const window_loss: number[] = [];
  let window: number[] = [];
  const bus = new EventBus<TrainEvents>();
  const stop = progress ? attach_progress(bus, options.epochs, true) : () => undefined;
  const t_start = performance.now();
  model.train();
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const perm = options.shuffle === false ? torch.arange(words.length).data_array() : torch.randperm(words.length, { generator: gen }).data_array();
      const start = performance.now();
      let total = 0;
      let batches = 0;
      let chars = 0;
      for (let i = 0; i < words.length; i += options.batch_size) {
        const batch = Array.from(perm.slice(i, i + options.batch_size), (j) => words[j]!);
        const { x, y } = encode(batch);
        const loss = lm_loss(model, x, y);
        opt.zero_grad();
        loss.backward();
        opt.step();
        const value = loss.item();
        total += value;
        batches++;
        chars += batch.reduce((s, w) => s + w.length + 1, 0);
        window.push(value);
        if (window.length === WINDOW) {
          window_loss.push(window.reduce((a, b) => a + b) / WINDOW);
          window = [];
        }
        const seen = Math.min(i + options.batch_size, words.length);
        bus.emit('batch_end', { epoch, seen, total: words.length, loss: total / batches, samples_per_s: seen / ((performance.now() - start) / 1000) });
      }
      const seconds = (performance.now() - start) / 1000;
      bus.emit('epoch_end', { epoch, samples: words.length, loss: total / batches, seconds });
      losses.push(total / batches);
      val_loss.push(eval_loss(model, val));
      log(`epoch ${epoch}/${options.epochs}  loss ${(total / batches).toFixed(4)}  val ${val_loss.at(-1)!.toFixed(4)}  ${(words.length / seconds).toFixed(0)} words/s  ${(chars / seconds).toFixed(0)} chars/s  ${seconds.toFixed(1)} s`);
    }
  } finally {
    stop();
  }
  if (window.length > 0) window_loss.push(window.reduce((a, b) => a + b) / window.length);
  const seconds = (performance.now() - t_start) / 1000;
  const samples = sample_words(model, options.samples, gen);
  log(`samples: ${samples.join(' ')}`);
  const curve: LossCurve = {
    framework: 'tsgrad', model: options.model, seed: options.seed, epochs: options.epochs, batch_size: options.batch_size, lr: options.lr,
    train_loss: losses, val_loss, window_loss, window: WINDOW, samples, seconds,
  };
  if (options.curve !== null) {
    mkdirSync(dirname(options.curve), { recursive: true });
    writeFileSync(options.curve, JSON.stringify(curve));
    log(`loss curve: ${options.curve}`);
  }
  let weights_path: string | null = null;
  if (options.out !== null) {
    mkdirSync(options.out, { recursive: true });
    weights_path = join(options.out, `char_lm_${options.model}.safetensors`);
    nn.save_file(model.state_dict(), weights_path);
    log(`weights: ${weights_path}`);
  }
  return { model, losses, curve, samples, weights_path };
}

/** Command-line entry: parses the options and trains. */
export function main(log: Log = console.log, argv: string[] = process.argv.slice(2)): CharLMResult | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' }, epochs: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' }, limit: { type: 'string' },
      val: { type: 'string' }, seed: { type: 'string' }, samples: { type: 'string' }, words: { type: 'string' }, out: { type: 'string' },
      curve: { type: 'string' }, 'no-shuffle': { type: 'boolean' }, init: { type: 'string' }, 'save-init': { type: 'string' }, help: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    log(HELP);
    return null;
  }
  const model = values.model ?? DEFAULTS.model;
  if (model !== 'lstm' && model !== 'gpt') throw new UsageError(`--model must be lstm or gpt, got '${model}'`);
  const words = values.words ?? DEFAULTS.words;
  if (!existsSync(words)) throw new Error(`${words} not found: install Debian's wamerican package (apt-get install wamerican) or pass --words <file>`);
  const int = (name: string, v: string | undefined, d: number, min: number): number => (v === undefined ? d : int_option(name, v, min));
  const lr = values.lr === undefined ? DEFAULTS.lr : Number(values.lr);
  if (!(lr > 0)) throw new UsageError(`--lr must be a positive number, got '${values.lr}'`);
  return train_char_lm({
    model, words, out: values.out ?? DEFAULTS.out, curve: values.curve ?? DEFAULTS.curve, lr,
    shuffle: values['no-shuffle'] !== true, init: values.init ?? null, save_init: values['save-init'] ?? null,
    epochs: int('epochs', values.epochs, DEFAULTS.epochs, 1), batch_size: int('batch-size', values['batch-size'], DEFAULTS.batch_size, 1),
    limit: int('limit', values.limit, DEFAULTS.limit, 1), val: int('val', values.val, DEFAULTS.val, 1), seed: int('seed', values.seed, DEFAULTS.seed, 0),
    samples: int('samples', values.samples, DEFAULTS.samples, 0),
  }, log);
}

run_if_main(import.meta.url, (log) => void main(log), HELP);
