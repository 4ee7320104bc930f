# PyTorch twin of examples/train_resnet.ts: the same network, data normalisation, optimiser and batch size,
# trained on Debian's Fashion-MNIST, for comparing test accuracy. Run with /usr/bin/python3 (Debian's torch).
#
# Deterministic comparison with tsgrad (same start, same batches, per-step losses side by side):
#   /usr/bin/python3 examples/train_resnet_torch.py --limit 3200 --no-shuffle --save-init /tmp/init.safetensors --losses /tmp/torch.json
#   node examples/dist/train_resnet.js --limit 3200 --no-shuffle --init /tmp/init.safetensors --losses /tmp/tsgrad.json
import argparse, gzip, json, struct, time
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F
from torchvision.models.resnet import BasicBlock

ROOT = '/usr/share/datasets/fashion-mnist'
ST_DTYPES = {torch.float32: 'F32', torch.int64: 'I64'}

def idx(name):
    with gzip.open(f'{ROOT}/{name}', 'rb') as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], 'big') for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)

def split(train, limit=None):
    p = 'train' if train else 't10k'
    x = torch.tensor(idx(f'{p}-images-idx3-ubyte.gz'), dtype=torch.float32).div(255).sub(0.286).div(0.353).unsqueeze(1)
    y = torch.tensor(idx(f'{p}-labels-idx1-ubyte.gz'), dtype=torch.int64)
    return (x[:limit], y[:limit]) if limit else (x, y)

def save_safetensors(state, path):
    """A state_dict as a safetensors file (written by hand: Debian has no safetensors package)."""
    header, blobs, offset = {}, [], 0
    for name, t in state.items():
        b = t.detach().contiguous().numpy().tobytes()
        header[name] = {'dtype': ST_DTYPES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    text = json.dumps(header).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))

def load_safetensors(path):
    with open(path, 'rb') as f:
        blob = f.read()
    (n,) = struct.unpack('<Q', blob[:8])
    header = json.loads(blob[8:8 + n])
    header.pop('__metadata__', None)
    data = blob[8 + n:]
    np_types = {'F32': np.float32, 'I64': np.int64}
    return {k: torch.from_numpy(np.frombuffer(data[v['data_offsets'][0]:v['data_offsets'][1]], dtype=np_types[v['dtype']]).copy()).reshape(v['shape'])
            for k, v in header.items()}

class FashionResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = BasicBlock(16, 16)
        self.layer2 = BasicBlock(16, 32, 2, nn.Sequential(nn.Conv2d(16, 32, 1, stride=2, bias=False), nn.BatchNorm2d(32)))
        self.layer3 = BasicBlock(32, 64, 2, nn.Sequential(nn.Conv2d(32, 64, 1, stride=2, bias=False), nn.BatchNorm2d(64)))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        h = self.relu(self.bn1(self.conv1(x)))
        return self.fc(torch.flatten(self.avgpool(self.layer3(self.layer2(self.layer1(h)))), 1))

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--epochs', type=int, default=1)
    ap.add_argument('--batch-size', type=int, default=128)
    ap.add_argument('--lr', type=float, default=4e-3, help='peak learning rate of the one-cycle schedule (the rate itself with --schedule constant)')
    ap.add_argument('--schedule', choices=['onecycle', 'constant'], default='onecycle')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--limit', type=int, default=None)
    ap.add_argument('--test-limit', type=int, default=None)
    ap.add_argument('--threads', type=int, default=1, help='torch.set_num_threads (default 1, as tsgrad)')
    ap.add_argument('--no-shuffle', action='store_true', help='batches in file order')
    ap.add_argument('--init', help='start from this state_dict (safetensors)')
    ap.add_argument('--save-init', help='write the initial state_dict here (safetensors)')
    ap.add_argument('--losses', help='write every step\'s loss here (JSON list)')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x, y = split(True, a.limit)
    xt, yt = split(False, a.test_limit)
    net = FashionResNet()
    if a.init:
        net.load_state_dict(load_safetensors(a.init))
    if a.save_init:
        save_safetensors(net.state_dict(), a.save_init)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    steps = a.epochs * -(-len(x) // a.batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, a.lr, total_steps=steps) if a.schedule == 'onecycle' else None
    losses = []
    t0 = time.time()
    for epoch in range(a.epochs):
        perm = torch.arange(len(x)) if a.no_shuffle else torch.randperm(len(x))
        for i in range(0, len(x), a.batch_size):
            b = perm[i:i + a.batch_size]
            opt.zero_grad()
            loss = F.cross_entropy(net(x[b]), y[b])
            loss.backward()
            opt.step()
            if sched:
                sched.step()
            losses.append(loss.item())
    seconds = time.time() - t0
    if a.losses:
        with open(a.losses, 'w') as f:
            json.dump(losses, f)
    net.eval()
    with torch.no_grad():
        acc = (net(xt).argmax(1) == yt).float().mean().item()
    print(f'test accuracy: {100 * acc:.2f}%  ({a.epochs * len(x) / seconds:.0f} samples/s)')
