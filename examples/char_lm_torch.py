"""The recipe of examples/char_lm.ts in PyTorch, as the reference its loss curve is compared with.

Same data (Debian's /usr/share/dict/words: distinct lowercase a-z words of 2 to 12 letters; --val validation words
spread evenly over the list, --limit training words spread evenly over the rest, the same for every seed), same
encoding ('.' + word -> word + '.', padding ignored), same models (CharLSTM: Embedding(27, 32) -> LSTM(32, 128,
batch_first) -> Linear(128, 27); TinyGPT: d_model 64, 4 heads, 2 pre-norm blocks, tied head), same Adam, batch size,
per-epoch reshuffle, validation loss and --curve JSON. Random streams differ (init, batch order, sampling), so the
curves agree within seed-to-seed noise, not bit for bit.
Run: /usr/bin/python3 examples/char_lm_torch.py --model lstm --seed 0 --curve /tmp/torch_lstm_0.json
"""
import argparse
import json
import os
import re
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from train_resnet_torch import load_safetensors, save_safetensors

ALPHABET = ".abcdefghijklmnopqrstuvwxyz"
MAX_LEN = 12
BLOCK = MAX_LEN + 1


def load_words(path):
    seen = {}
    for line in open(path, encoding="utf8"):
        w = line.strip()
        if 2 <= len(w) <= MAX_LEN and re.fullmatch("[a-z]+", w):
            seen.setdefault(w, None)
    return list(seen)


def encode(words):
    x = torch.zeros(len(words), BLOCK, dtype=torch.long)
    y = torch.full((len(words), BLOCK), -100, dtype=torch.long)
    for b, w in enumerate(words):
        ids = [ALPHABET.index(c) for c in w]
        x[b, : len(ids) + 1] = torch.tensor([0] + ids)
        y[b, : len(ids) + 1] = torch.tensor(ids + [0])
    return x, y


class CharLSTM(nn.Module):
    def __init__(self, embed_dim=32, hidden=128):
        super().__init__()
        self.embedding = nn.Embedding(len(ALPHABET), embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden, batch_first=True)
        self.head = nn.Linear(hidden, len(ALPHABET))

    def forward(self, tokens):
        out, _ = self.lstm(self.embedding(tokens))
        return self.head(out)


class Block(nn.Module):
    def __init__(self, d_model, n_head):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = nn.MultiheadAttention(d_model, n_head, batch_first=True)
        self.ln2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model))

    def forward(self, x, mask):
        h = self.ln1(x)
        x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
        return x + self.mlp(self.ln2(x))


class TinyGPT(nn.Module):
    def __init__(self, vocab, block_size, d_model, n_head, n_layer):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab, d_model)
        self.pos_emb = nn.Parameter(torch.zeros(block_size, d_model))
        self.blocks = nn.ModuleList([Block(d_model, n_head) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab, bias=False)
        self.lm_head.weight = self.tok_emb.weight
        self.register_buffer("causal_mask", torch.triu(torch.ones(block_size, block_size, dtype=torch.bool), 1), persistent=False)

    def forward(self, tokens):
        T = tokens.shape[1]
        x = self.tok_emb(tokens) + self.pos_emb[:T]
        for blk in self.blocks:
            x = blk(x, self.causal_mask[:T, :T])
        return self.lm_head(self.ln_f(x))


WINDOW = 16


def build_model(kind):
    """The recipe's model; the GPT's tied token embedding starts as N(0, 0.02^2), as in char_lm.ts's build_model."""
    if kind == "lstm":
        return CharLSTM()
    gpt = TinyGPT(len(ALPHABET), BLOCK, 64, 4, 2)
    nn.init.normal_(gpt.tok_emb.weight, 0, 0.02)
    return gpt


def spread(n, count):
    return list(range(n)) if count >= n else [k * n // count for k in range(count)]


def split_words(all_words, limit, val):
    val_idx = set(spread(len(all_words), val))
    rest = [w for i, w in enumerate(all_words) if i not in val_idx]
    return [rest[i] for i in spread(len(rest), limit)], [all_words[i] for i in sorted(val_idx)]


def lm_loss(model, x, y):
    return F.cross_entropy(model(x).reshape(-1, len(ALPHABET)), y.reshape(-1))


@torch.no_grad()
def eval_loss(model, words):
    model.eval()
    total, count = 0.0, 0
    for i in range(0, len(words), 256):
        batch = words[i : i + 256]
        n = sum(len(w) + 1 for w in batch)
        total += lm_loss(model, *encode(batch)).item() * n
        count += n
    model.train()
    return total / count


@torch.no_grad()
def sample_words(model, n):
    model.eval()
    words = []
    for _ in range(n):
        ids = [0]
        while len(ids) <= MAX_LEN:
            probs = torch.softmax(model(torch.tensor([ids]))[0, -1], 0)
            nxt = torch.multinomial(probs, 1).item()
            if nxt == 0:
                break
            ids.append(nxt)
        words.append("".join(ALPHABET[i] for i in ids[1:]))
    model.train()
    return words


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="lstm", choices=["lstm", "gpt"])
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.003)
    p.add_argument("--limit", type=int, default=4096)
    p.add_argument("--val", type=int, default=1024)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--samples", type=int, default=10)
    p.add_argument("--words", default="/usr/share/dict/words")
    p.add_argument("--curve", help="write the loss curve here (JSON, the fields of char_lm.ts's --curve)")
    p.add_argument("--no-shuffle", action="store_true", help="batches in the split's order every epoch")
    p.add_argument("--init", help="start from this state_dict (safetensors)")
    p.add_argument("--save-init", help="write the initial state_dict here (safetensors)")
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(1)
    all_words = load_words(a.words)
    words, val = split_words(all_words, a.limit, a.val)
    model = build_model(a.model)
    if a.init:
        model.load_state_dict(load_safetensors(a.init))
    if a.save_init:
        save_safetensors(model.state_dict(), a.save_init)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{a.model}: {n_params} parameters, {len(words)} training and {len(val)} validation words of {len(all_words)}, batch {a.batch_size}")
    train_loss, val_loss, window_loss, window = [], [eval_loss(model, val)], [], []
    t_start = time.time()
    model.train()
    for epoch in range(1, a.epochs + 1):
        perm = list(range(len(words))) if a.no_shuffle else torch.randperm(len(words)).tolist()
        start, total, batches = time.time(), 0.0, 0
        for i in range(0, len(words), a.batch_size):
            loss = lm_loss(model, *encode([words[j] for j in perm[i : i + a.batch_size]]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            batches += 1
            window.append(loss.item())
            if len(window) == WINDOW:
                window_loss.append(sum(window) / WINDOW)
                window = []
        s = time.time() - start
        train_loss.append(total / batches)
        val_loss.append(eval_loss(model, val))
        print(f"epoch {epoch}/{a.epochs}  loss {total / batches:.4f}  val {val_loss[-1]:.4f}  {len(words) / s:.0f} words/s  {s:.1f} s", flush=True)
    if window:
        window_loss.append(sum(window) / len(window))
    seconds = time.time() - t_start
    samples = sample_words(model, a.samples)
    print("samples:", " ".join(samples))
    if a.curve:
        os.makedirs(os.path.dirname(os.path.abspath(a.curve)), exist_ok=True)
        with open(a.curve, "w") as f:
            json.dump({"framework": "pytorch " + torch.__version__, "model": a.model, "seed": a.seed, "epochs": a.epochs, "batch_size": a.batch_size,
                       "lr": a.lr, "train_loss": train_loss, "val_loss": val_loss, "window_loss": window_loss, "window": WINDOW,
                       "samples": samples, "seconds": seconds}, f)


if __name__ == "__main__":
    main()
