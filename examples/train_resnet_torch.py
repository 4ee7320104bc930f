# PyTorch twin of examples/train_resnet.ts: the same network, data normalisation, optimiser and batch size,
# trained on Debian's Fashion-MNIST, for comparing test accuracy. Run with /usr/bin/python3 (Debian's torch).
import argparse, gzip, time
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F
from torchvision.models.resnet import BasicBlock

ROOT = '/usr/share/datasets/fashion-mnist'

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
    ap.add_argument('--batch-size', type=int, default=64)
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--limit', type=int, default=None)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    x, y = split(True, a.limit)
    xt, yt = split(False)
    net = FashionResNet()
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    t0 = time.time()
    for epoch in range(a.epochs):
        perm = torch.randperm(len(x))
        for i in range(0, len(x), a.batch_size):
            b = perm[i:i + a.batch_size]
            opt.zero_grad()
            F.cross_entropy(net(x[b]), y[b]).backward()
            opt.step()
    net.eval()
    with torch.no_grad():
        acc = (net(xt).argmax(1) == yt).float().mean().item()
    print(f'test accuracy: {100 * acc:.2f}%  ({a.epochs * len(x) / (time.time() - t0):.0f} samples/s)')
