// Learn the Basics, "Tensors", ported line by line:
// https://pytorch.org/tutorials/beginner/basics/tensorqs_tutorial.html
// (source: https://github.com/pytorch/tutorials/blob/main/beginner_source/basics/tensorqs_tutorial.py)
// Seeded with torch.manual_seed(0) (one line added at the top), it prints PyTorch's numbers. Where the tutorial
// uses NumPy, a typed array stands in for the ndarray: `t.numpy()` and `torch.from_numpy(n)` share memory with
// the tensor as NumPy's bridge does (a typed array prints as `1,1,1` where NumPy prints `[1. 1. 1.]`). JS cannot
// tell `1` from `1.0`, so integer data asks for int64 where Python infers it.
import * as torch from '@tsgrad/core';
import { run_if_main, type Log } from './run_main.js';

export function main(print: Log = console.log): void {
  torch.manual_seed(0);

  // Initializing a Tensor
  const data = [[1, 2], [3, 4]];
  const x_data = torch.tensor(data, { dtype: torch.int64 });

  const np_array = Float64Array.from(data.flat());
  const x_np = torch.from_numpy(np_array).view(2, 2);

  const x_ones = torch.ones_like(x_data); // retains the properties of x_data
  print(`Ones Tensor: \n ${x_ones} \n`);

  const x_rand = torch.rand_like(x_data, { dtype: torch.float }); // overrides the datatype of x_data
  print(`Random Tensor: \n ${x_rand} \n`);

  const shape = [2, 3];
  const rand_tensor = torch.rand(shape);
  const ones_tensor = torch.ones(shape);
  const zeros_tensor = torch.zeros(shape);

  print(`Random Tensor: \n ${rand_tensor} \n`);
  print(`Ones Tensor: \n ${ones_tensor} \n`);
  print(`Zeros Tensor: \n ${zeros_tensor}`);

  // Attributes of a Tensor
  let tensor = torch.rand(3, 4);

  print(`Shape of tensor: ${tensor.shape}`);
  print(`Datatype of tensor: ${tensor.dtype}`);
  print(`Device tensor is stored on: ${tensor.device}`);

  // Operations on Tensors
  if (torch.accelerator.is_available()) {
    tensor = tensor.to(torch.accelerator.current_accelerator()!);
  }

  tensor = torch.ones(4, 4);
  print(`First row: ${tensor.index(0)}`);
  print(`First column: ${tensor.index([{}, 0])}`);
  print(`Last column: ${tensor.index(['...', -1])}`);
  tensor.setitem([{}, 1], 0);
  print(tensor);

  const t1 = torch.cat([tensor, tensor, tensor], { dim: 1 });
  print(t1);

  // This computes the matrix multiplication between two tensors. y1, y2, y3 will have the same value
  const y1 = tensor.matmul(tensor.T);
  const y2 = tensor.matmul(tensor.T);

  const y3 = torch.rand_like(y1);
  torch.matmul(tensor, tensor.T, { out: y3 });

  // This computes the element-wise product. z1, z2, z3 will have the same value
  const z1 = tensor.mul(tensor);
  const z2 = tensor.mul(tensor);

  const z3 = torch.rand_like(tensor);
  torch.mul(tensor, tensor, { out: z3 });
  print(`${y1.equal(y2) && y1.equal(y3)} ${z1.equal(z2) && z1.equal(z3)}`);

  const agg = tensor.sum();
  const agg_item = agg.item();
  print(agg_item, typeof agg_item);

  print(`${tensor} \n`);
  tensor.add_(5);
  print(tensor);

  // Bridge with NumPy
  let t = torch.ones(5);
  print(`t: ${t}`);
  let n = t.numpy();
  print(`n: ${n}`);

  t.add_(1);
  print(`t: ${t}`);
  print(`n: ${n}`);

  n = new Float64Array(5).fill(1);
  t = torch.from_numpy(n);

  for (let i = 0; i < n.length; i++) n[i]! += 1; // np.add(n, 1, out=n)
  print(`t: ${t}`);
  print(`n: ${n}`);
}

run_if_main(import.meta.url, main);
