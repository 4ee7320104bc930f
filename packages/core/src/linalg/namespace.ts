// torch.linalg: decompositions, solvers, inverses, norms and products of (batches of) matrices, under PyTorch's
// names (torch.linalg.det, torch.linalg.svd, ...).
export {
  linalg_det as det, linalg_slogdet as slogdet, linalg_inv as inv, linalg_inv_ex as inv_ex, linalg_solve as solve,
  linalg_solve_ex as solve_ex, linalg_cholesky as cholesky, linalg_cholesky_ex as cholesky_ex,
  linalg_solve_triangular as solve_triangular,
  type SlogdetResult, type InvExResult, type SolveExResult, type CholeskyExResult,
} from '../ops/linalg_factor.js';
export {
  linalg_qr as qr, linalg_eigh as eigh, linalg_eigvalsh as eigvalsh, linalg_svd as svd, linalg_svdvals as svdvals,
  linalg_pinv as pinv, linalg_matrix_rank as matrix_rank, linalg_lstsq as lstsq, linalg_matrix_exp as matrix_exp,
  type QrResult, type EighResult, type SvdResult, type LstsqResult,
} from '../ops/linalg_spectral.js';
export {
  linalg_vector_norm as vector_norm, linalg_matrix_norm as matrix_norm, linalg_norm as norm, linalg_cond as cond,
  linalg_matrix_power as matrix_power, linalg_multi_dot as multi_dot, linalg_vecdot as vecdot,
  linalg_diagonal as diagonal, linalg_matmul as matmul, type VectorNormOptions, type MatrixNormOptions,
} from '../ops/linalg_norms.js';
export { linalg_cross as cross } from '../ops/vector_products.js';
export { LinAlgError } from '../ops/lapack.js';
