// torch.special: the special functions under their SciPy-style names (gammaln, psi, expit, multigammaln, …),
// aliases of the torch.* ops parsed under PyTorch's `special_*` names, and the ones only torch.special has.
import { alias_unary } from '../ops/math_defs.js';
import { erf as erf_op, exp2 as exp2_op, expm1 as expm1_op, log1p as log1p_op, sigmoid, sinc as sinc_op } from '../ops/index.js';
import { digamma as digamma_op, erfc as erfc_op, erfinv as erfinv_op, i0 as i0_op, lgamma } from '../ops/special.js';

export { special_i1 as i1, special_i0e as i0e, special_i1e as i1e, special_erfcx as erfcx, special_entr as entr } from '../ops/special_only.js';
export { polygamma, mvlgamma as multigammaln, logit } from '../ops/special.js';
export { xlogy } from '../ops/pointwise.js';
export { round } from '../ops/rounding.js';
export { logsumexp, softmax, log_softmax } from '../ops/reduce.js';

/** `torch.special.gammaln`: {@link lgamma}. @example torch.special.gammaln(x); */
export const gammaln = alias_unary('special_gammaln', lgamma);
/** `torch.special.digamma`: the digamma function. @example torch.special.digamma(x); */
export const digamma = alias_unary('special_digamma', digamma_op);
/** `torch.special.psi`: the digamma function. @example torch.special.psi(x); */
export const psi = alias_unary('special_psi', digamma_op);
/** `torch.special.expit`: the logistic sigmoid. @example torch.special.expit(x); */
export const expit = alias_unary('special_expit', sigmoid);
/** `torch.special.erf`. @example torch.special.erf(x); */
export const erf = alias_unary('special_erf', erf_op);
/** `torch.special.erfc`. @example torch.special.erfc(x); */
export const erfc = alias_unary('special_erfc', erfc_op);
/** `torch.special.erfinv`. @example torch.special.erfinv(x); */
export const erfinv = alias_unary('special_erfinv', erfinv_op);
/** `torch.special.exp2`. @example torch.special.exp2(x); */
export const exp2 = alias_unary('special_exp2', exp2_op);
/** `torch.special.expm1`. @example torch.special.expm1(x); */
export const expm1 = alias_unary('special_expm1', expm1_op);
/** `torch.special.log1p`. @example torch.special.log1p(x); */
export const log1p = alias_unary('special_log1p', log1p_op);
/** `torch.special.i0`. @example torch.special.i0(x); */
export const i0 = alias_unary('special_i0', i0_op);
/** `torch.special.sinc`. @example torch.special.sinc(x); */
export const sinc = alias_unary('special_sinc', sinc_op);
