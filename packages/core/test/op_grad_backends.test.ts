// The op table's gradcheck and gradgradcheck on every kernel backend other than the js oracle (gradcheck.test.ts).
import { it } from 'vitest';
import * as torch from '@tsgrad/core';
import { describe_op_rows, OP_CASES } from './op_grad_cases.js';

const others = torch.list_backends().filter((b) => b !== 'js');
if (others.length === 0) it.skip('no kernel backend other than js is registered here', () => {});
describe_op_rows('first and second derivatives of every op (op_grad_cases.ts)', OP_CASES, others);
