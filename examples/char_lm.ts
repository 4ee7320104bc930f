// Character-level language models on Debian's word list (/usr/share/dict/words, package wamerican): an LSTM or a
// small GPT learns to spell words one letter at a time, then samples new ones. One progress line per epoch with
// throughput; the weights are written as safetensors. char_lm_torch.py is the same recipe in PyTorch.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as torch from '@tsgrad/core';
import type { Tensor } from '@tsgrad/core';
import * as nn from '@tsgrad/nn';
import { run_if_main, type Log } from './run_main.js';
import { TinyGPT } from './sequence_models.js';

const HELP = `Usage: node examples/dist/char_lm.js [options]

Trains a character-level language model on /usr/share/dict/words and samples new words.

  --model <lstm|gpt>   an LSTM, or a small GPT with weight tying (default lstm)
  --epochs <n>         epochs (default 4)
  --batch-size <n>     words per batch (default 64)
  --lr <x>             Adam learning rate (default 0.003)
  --limit <n>          train on the first n shuffled words (default 4096)
  --seed <n>           seed for init, shuffling and sampling (default 0)
  --samples <n>        words sampled after training (default 10)
  --words <file>       the word list (default /usr/share/dict/words)
  --out <dir>          where the weights are written (default out)
  --help               this text`;

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
  seed: number;
  samples: number;
  words: string;
  out: string | null;
}

export const DEFAULTS: CharLMOptions = { model: 'lstm', epochs: 4, batch_size: 64, lr: 0.003, limit: 4096, seed: 0, samples: 10, words: DEFAULT_WORDS, out: 'out' };

/** The distinct lowercase a–z words of 2 to MAX_LEN letters, in file order. */
export function load_words(path: string): string[] {
  const seen = new Set<string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const w = line.trim();
    if (w.length >= 2 && w.length <= MAX_LEN && /^[a-z]+$/.test(w)) seen.add(w);
  }
  return [...seen];
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

/** The model of `kind` with the recipe's sizes (the same in char_lm_torch.py). */
export function build_model(kind: CharLMOptions['model']): nn.Module {
  return kind === 'lstm' ? new CharLSTM() : new TinyGPT({ vocab: ALPHABET.length, block_size: BLOCK_SIZE, d_model: 64, n_head: 4, n_layer: 2 });
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

export interface CharLMResult {
  model: nn.Module;
  /** Mean training loss of each epoch. */
  losses: number[];
  samples: string[];
  weights_path: string | null;
}

/**
 * Trains with Adam on `limit` shuffled words for `epochs`, logging one line per epoch, then samples words and
 * writes the weights (`<out>/char_lm_<model>.safetensors`) when `out` is set.
 */
export function train_char_lm(options: CharLMOptions, log: Log = console.log): CharLMResult {
  torch.manual_seed(options.seed);
  const gen = new torch.Generator(options.seed);
  const all = load_words(options.words);
  const order = torch.randperm(all.length, { generator: gen }).data_array();
  const words = Array.from(order.slice(0, Math.min(options.limit, all.length)), (i) => all[i]!);
  const model = build_model(options.model);
  const opt = new nn.optim.Adam(model.parameters(), { lr: options.lr });
  const n_params = [...model.parameters()].reduce((s, p) => s + p.numel(), 0);
  log(`${options.model}: ${n_params} parameters, ${words.length} of ${all.length} words, batch ${options.batch_size}`);
  const losses: number[] = [];
  model.train();
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const perm = torch.randperm(words.length, { generator: gen }).data_array();
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
      total += loss.item();
      batches++;
      chars += batch.reduce((s, w) => s + w.length + 1, 0);
    }
    const seconds = (performance.now() - start) / 1000;
    losses.push(total / batches);
    log(`epoch ${epoch}/${options.epochs}  loss ${(total / batches).toFixed(4)}  ${(words.length / seconds).toFixed(0)} words/s  ${(chars / seconds).toFixed(0)} chars/s  ${seconds.toFixed(1)} s`);
  }
  const samples = sample_words(model, options.samples, gen);
  log(`samples: ${samples.join(' ')}`);
  let weights_path: string | null = null;
  if (options.out !== null) {
    mkdirSync(options.out, { recursive: true });
    weights_path = join(options.out, `char_lm_${options.model}.safetensors`);
    nn.save_file(model.state_dict(), weights_path);
    log(`weights: ${weights_path}`);
  }
  return { model, losses, samples, weights_path };
}

/** Command-line entry: parses the options and trains. */
export function main(log: Log = console.log, argv: string[] = process.argv.slice(2)): CharLMResult | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' }, epochs: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' }, limit: { type: 'string' },
      seed: { type: 'string' }, samples: { type: 'string' }, words: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    log(HELP);
    return null;
  }
  const model = values.model ?? DEFAULTS.model;
  if (model !== 'lstm' && model !== 'gpt') throw new Error(`--model must be lstm or gpt, got ${model}`);
  const words = values.words ?? DEFAULTS.words;
  if (!existsSync(words)) throw new Error(`${words} not found: install Debian's wamerican package (apt-get install wamerican) or pass --words <file>`);
  const num = (v: string | undefined, d: number): number => (v === undefined ? d : Number(v));
  return train_char_lm({
    model, words, out: values.out ?? DEFAULTS.out,
    epochs: num(values.epochs, DEFAULTS.epochs), batch_size: num(values['batch-size'], DEFAULTS.batch_size), lr: num(values.lr, DEFAULTS.lr),
    limit: num(values.limit, DEFAULTS.limit), seed: num(values.seed, DEFAULTS.seed), samples: num(values.samples, DEFAULTS.samples),
  }, log);
}

run_if_main(import.meta.url, (log) => void main(log));
