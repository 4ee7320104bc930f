"""PyTorch companion of `pnpm bench` (bench/torch_process.ts drives it): a peer that alternates with tsgrad.

Reads one JSON request per line on stdin and answers one JSON line on stdout:
  {"op": "setup", "spec": {"key", "kind", ...sizes, "threads": [1, 2]}, "round_ms"}
      builds the workload (bench/workloads.ts's spec) or hook setup (bench/hooks.ts), warms each of its peers
      up and sizes its rounds to round_ms; answers {"peers": [names]}: one per thread count, or per hook row.
  {"op": "round", "key", "peer"}
      times one round of that peer; answers {"ms": its mean ms per call}.

`torch_peer.py --rss SPEC STEPS` instead runs STEPS calls of one workload (bench/peak_rss.ts) on one thread,
without allocator priming, and prints {"baseline_kb", "peak_kb"}: getrusage's high-water mark before the model
is built and after the steps.
"""
import json
import resource
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

WARMUP_MS = 300.0
# Just under glibc's 32 MB cap of its dynamic mmap threshold, as tsgrad's prime_allocator (packages/core/src/dtype.ts)
PRIMING_BYTES = (32 << 20) - (64 << 10)


def prime_allocator():
    """Allocates and frees one large block before anything is timed, as tsgrad does in its process.

    Freeing an mmap'd block raises glibc's mmap and trim thresholds to its size, so later step buffers are
    reused from the heap instead of mapped and faulted in anew on every call: what any training script that has
    held a dataset already has. Without it PyTorch's SimpleNet step runs several times slower in a fresh process.
    """
    block = torch.ones(PRIMING_BYTES, dtype=torch.uint8)  # written, so the block is really mapped
    del block


class SimpleNet(nn.Module):
    """@tsgrad/vision's models.SimpleNet({ final_relu: false })."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, 5)
        self.pool1 = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(10, 20, 5)
        self.pool2 = nn.MaxPool2d(2, 2)
        self.fc = nn.Linear(320, 50)
        self.out = nn.Linear(50, 10)

    def forward(self, x):
        x = self.pool1(F.relu(self.conv1(x)))
        x = self.pool2(F.relu(self.conv2(x)))
        x = x.view(x.size(0), -1)
        return self.out(F.relu(self.fc(x)))


def simplenet_train(batch, **_):
    x, y, net = torch.randn(batch, 1, 28, 28), torch.randint(0, 10, (batch,)), SimpleNet()
    opt = torch.optim.SGD(net.parameters(), lr=0.01)

    def step():
        opt.zero_grad(set_to_none=True)  # PyTorch 2.x's default, as tsgrad's
        F.cross_entropy(net(x), y).backward()
        opt.step()

    return step, True


def simplenet_forward(batch, **_):
    x, net = torch.randn(batch, 1, 28, 28), SimpleNet()
    return lambda: net(x), False


def saliency(batch, **_):
    x, net = torch.randn(batch, 1, 28, 28, requires_grad=True), SimpleNet()
    return lambda: torch.autograd.grad(net(x)[0, 3], x), True


def matmul(n, **_):
    a, b = torch.randn(n, n), torch.randn(n, n)
    return lambda: torch.mm(a, b), False


def conv(batch, channels, size, backward):
    x = torch.randn(batch, channels, size, size, requires_grad=backward)
    layer = nn.Conv2d(channels, channels, 3, padding=1)
    w, b = layer.weight.detach().requires_grad_(backward), layer.bias.detach().requires_grad_(backward)
    if not backward:
        return lambda: F.conv2d(x, w, b, padding=1), False
    return lambda: torch.autograd.grad(F.conv2d(x, w, b, padding=1).sum(), [x, w, b]), True


def train_or_forward(net, x, classes, train):
    """A train step (SGD, cross-entropy, train mode) or an inference forward (eval, no grad) of `net` on `x`."""
    if not train:
        net.eval()
        return lambda: net(x), False
    y = torch.randint(0, classes, (x.shape[0],))
    opt = torch.optim.SGD(net.parameters(), lr=0.01)

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(net(x), y).backward()
        opt.step()

    return step, True


def resnet18(batch, size, classes, train):
    """torchvision's ResNet-18 on [batch, 3, size, size] (bench/model_workloads.ts)."""
    from torchvision.models import resnet18 as build

    return train_or_forward(build(num_classes=classes), torch.randn(batch, 3, size, size), classes, train)


class EncoderClassifier(nn.Module):
    """bench/model_workloads.ts's EncoderClassifier: a Transformer encoder, mean over the sequence, a linear head."""

    def __init__(self, d_model, heads, ff, layers, classes):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model, heads, dim_feedforward=ff, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, classes)

    def forward(self, x):
        return self.head(self.encoder(x).mean(1))


class LSTMClassifier(nn.Module):
    """bench/model_workloads.ts's LSTMClassifier: an LSTM and a linear head on the last step's output."""

    def __init__(self, features, hidden, layers, classes):
        super().__init__()
        self.lstm = nn.LSTM(features, hidden, layers, batch_first=True)
        self.head = nn.Linear(hidden, classes)

    def forward(self, x):
        return self.head(self.lstm(x)[0][:, -1])


def transformer(batch, seq, d_model, heads, ff, layers, classes, train):
    net = EncoderClassifier(d_model, heads, ff, layers, classes)
    return train_or_forward(net, torch.randn(batch, seq, d_model), classes, train)


def lstm(batch, seq, features, hidden, layers, classes, train):
    return train_or_forward(LSTMClassifier(features, hidden, layers, classes), torch.randn(batch, seq, features), classes, train)


def linear_hooks(**_):
    """Linear(16, 16) on [4, 16]: forward() vs call() with 0, 1 and 10 no-op forward hooks (no grad)."""

    def make(hooks):
        m = nn.Linear(16, 16)
        for _ in range(hooks):
            m.register_forward_hook(lambda mod, inp, out: None)
        return m

    x = torch.randn(4, 16)
    m0, m1, m10 = make(0), make(1), make(10)
    no_grad = lambda: torch.set_grad_enabled(False)
    return [
        ("forward", lambda: m0.forward(x), no_grad),
        ("call_0_hooks", lambda: m0(x), no_grad),
        ("call_1_hook", lambda: m1(x), no_grad),
        ("call_10_hooks", lambda: m10(x), no_grad),
    ]


def linear_backward_hook(**_):
    """Linear(16, 16) forward+backward, without and with a no-op full backward hook."""
    x = torch.randn(4, 16, requires_grad=True)
    plain, hooked = nn.Linear(16, 16), nn.Linear(16, 16)
    hooked.register_full_backward_hook(lambda m, gi, go: None)
    grad = lambda: torch.set_grad_enabled(True)
    return [
        ("fwd_bwd_no_hook", lambda: plain(x).sum().backward(), grad),
        ("fwd_bwd_full_hook", lambda: hooked(x).sum().backward(), grad),
    ]


WORKLOADS = {
    "simplenet_train": simplenet_train,
    "simplenet_forward": simplenet_forward,
    "saliency": saliency,
    "matmul": matmul,
    "conv_forward": lambda **s: conv(s["batch"], s["channels"], s["size"], False),
    "conv_forward_backward": lambda **s: conv(s["batch"], s["channels"], s["size"], True),
    "resnet18_train": lambda **s: resnet18(**s, train=True),
    "resnet18_forward": lambda **s: resnet18(**s, train=False),
    "transformer_train": lambda **s: transformer(**s, train=True),
    "transformer_forward": lambda **s: transformer(**s, train=False),
    "lstm_train": lambda **s: lstm(**s, train=True),
    "lstm_forward": lambda **s: lstm(**s, train=False),
}
GROUPS = {"linear_hooks": linear_hooks, "linear_backward_hook": linear_backward_hook}


def peers(spec):
    """(name, run, enter) for each peer of a spec; enter sets thread count and grad mode before a round."""
    sizes = {k: v for k, v in spec.items() if k not in ("key", "kind", "threads")}
    torch.manual_seed(0)
    if spec["kind"] in GROUPS:
        threads = spec["threads"][0]
        return [(name, run, lambda enter=enter: (torch.set_num_threads(threads), enter())) for name, run, enter in GROUPS[spec["kind"]](**sizes)]
    run, grad = WORKLOADS[spec["kind"]](**sizes)
    return [(f"{t}", run, lambda t=t: (torch.set_num_threads(t), torch.set_grad_enabled(grad))) for t in spec["threads"]]


def timed_ms(run, calls):
    t0 = time.perf_counter()
    for _ in range(calls):
        run()
    return (time.perf_counter() - t0) * 1e3


def peak_rss(spec, steps):
    """Runs `steps` calls of one workload on one thread and prints the high-water marks (bench/peak_rss.ts)."""
    torch.set_num_threads(1)
    if spec["kind"].startswith("resnet18"):
        import torchvision.models  # noqa: F401  (its import is not the model's memory)
    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    torch.manual_seed(0)
    run, grad = WORKLOADS[spec["kind"]](**{k: v for k, v in spec.items() if k not in ("key", "kind")})
    with torch.set_grad_enabled(grad):
        for _ in range(steps):
            run()
    print(json.dumps({"baseline_kb": baseline_kb, "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--rss":
        peak_rss(json.loads(sys.argv[2]), int(sys.argv[3]))
        return
    prime_allocator()
    ready = {}  # (key, peer) -> (run, enter, calls per round)
    for line in sys.stdin:
        request = json.loads(line)
        if request["op"] == "setup":
            spec = request["spec"]
            names = []
            for name, run, enter in peers(spec):
                enter()
                n, t0 = 0, time.perf_counter()
                while n == 0 or (time.perf_counter() - t0) * 1e3 < WARMUP_MS:
                    run()
                    n += 1
                per_call = (time.perf_counter() - t0) * 1e3 / n
                ready[(spec["key"], name)] = (run, enter, max(1, round(request["round_ms"] / per_call)))
                names.append(name)
            reply = {"peers": names}
        else:
            run, enter, calls = ready[(request["key"], request["peer"])]
            enter()
            reply = {"ms": timed_ms(run, calls) / calls}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
