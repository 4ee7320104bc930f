"""The recipe of examples/char_lm.ts in PyTorch, as the reference its loss curve is compared with.

Same data (Debian's /usr/share/dict/words: distinct lowercase a-z words of 2 to 12 letters, shuffled, the first
--limit), same encoding ('.' + word -> word + '.', padding ignored), same models (CharLSTM: Embedding(27, 32) ->
LSTM(32, 128, batch_first) -> Linear(128, 27); TinyGPT: d_model 64, 4 heads, 2 pre-norm blocks, tied head), same
Adam and batch size. Random streams differ, so the curves agree within run-to-run noise, not bit for bit.
Run: /usr/bin/python3 examples/char_lm_torch.py --model lstm --epochs 4
"""
import argparse
import re
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="lstm", choices=["lstm", "gpt"])
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.003)
    p.add_argument("--limit", type=int, default=4096)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--words", default="/usr/share/dict/words")
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(1)
    all_words = load_words(a.words)
    order = torch.randperm(len(all_words)).tolist()
    words = [all_words[i] for i in order[: min(a.limit, len(all_words))]]
    model = CharLSTM() if a.model == "lstm" else TinyGPT(len(ALPHABET), BLOCK, 64, 4, 2)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    print(f"{a.model}: {sum(p.numel() for p in model.parameters())} parameters, {len(words)} of {len(all_words)} words, batch {a.batch_size}")
    model.train()
    for epoch in range(1, a.epochs + 1):
        perm = torch.randperm(len(words)).tolist()
        start, total, batches = time.time(), 0.0, 0
        for i in range(0, len(words), a.batch_size):
            x, y = encode([words[j] for j in perm[i : i + a.batch_size]])
            loss = F.cross_entropy(model(x).reshape(-1, len(ALPHABET)), y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            batches += 1
        s = time.time() - start
        print(f"epoch {epoch}/{a.epochs}  loss {total / batches:.4f}  {len(words) / s:.0f} words/s  {s:.1f} s", flush=True)


if __name__ == "__main__":
    main()
