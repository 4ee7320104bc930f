// Captum's path-integral rules (riemann_* and gausslegendre): step sizes and alphas in [0, 1].

/** Captum's integral approximation methods. */
export type ApproximationMethod = 'riemann_left' | 'riemann_right' | 'riemann_middle' | 'riemann_trapezoid' | 'gausslegendre';

/** The integration rules `approximation_parameters` knows (Captum's names). */
export const SUPPORTED_METHODS: readonly ApproximationMethod[] = ['riemann_left', 'riemann_right', 'riemann_middle', 'riemann_trapezoid', 'gausslegendre'];

/** `torch.linspace(a, b, n)` in float32, as Captum builds its Riemann alphas. */
function linspace32(a: number, b: number, n: number): number[] {
  const step = Math.fround((b - a) / (n - 1));
  const half = Math.floor(n / 2);
  return Array.from({ length: n }, (_, i) => Math.fround(i < half ? a + step * i : b - step * (n - 1 - i)));
}

/**
 * Gauss-Legendre nodes (ascending in [-1, 1]) and weights of order `n`, by Newton's method on P_n in float64.
 *
 * @internal Captum's private helper, shared by the attribution classes.
 */
export function leggauss(n: number): {
  /** The nodes in (−1, 1), increasing. */
  nodes: number[];
  /** Their weights (summing to 2). */
  weights: number[];
} {
  const nodes = new Array<number>(n);
  const weights = new Array<number>(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k];
      if (n === 1) [p0, p1] = [1, x];
      dp = (n * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    const w = 2 / ((1 - x * x) * dp * dp);
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = w;
    weights[n - 1 - i] = w;
  }
  if (n % 2 === 1) nodes[(n - 1) / 2] = 0;
  return { nodes, weights };
}

/**
 * Step sizes and alphas of Captum's rule `method` with `n` steps. Exactly Captum's, including its
 * `riemann_trapezoid`: `n` points `linspace(0, 1, n)` with step sizes `1/n` (the ends halved), which sum to
 * `(n − 1)/n` rather than 1 (0.98 at n = 50), so the integral comes out scaled by that factor. The project's own
 * `interpret.quadrature('trapezoid', n)` keeps the correct rule (n intervals, n + 1 points, weights summing to 1).
 *
 * @example
 * approximation_parameters('riemann_middle', 2); // { step_sizes: [0.5, 0.5], alphas: [0.25, 0.75] }
 */
export function approximation_parameters(method: ApproximationMethod, n: number): {
  /** Weight of each step (summing to 1). */
  step_sizes: number[];
  /** Position of each step on the path, in [0, 1]. */
  alphas: number[];
} {
  if (!SUPPORTED_METHODS.includes(method)) {
    throw new Error(`Approximation method must be one for the following ${JSON.stringify(SUPPORTED_METHODS)}. Given ${String(method)}`);
  }
  if (method === 'gausslegendre') {
    if (!(n > 0)) throw new Error('The number of steps has to be larger than zero');
    const { nodes, weights } = leggauss(n);
    return { step_sizes: weights.map((w) => 0.5 * w), alphas: nodes.map((x) => 0.5 * (1 + x)) };
  }
  if (!(n > 1)) throw new Error('The number of steps has to be larger than one');
  const step_sizes = new Array<number>(n).fill(1 / n);
  if (method === 'riemann_trapezoid') {
    step_sizes[0] = step_sizes[0]! / 2;
    step_sizes[n - 1] = step_sizes[n - 1]! / 2;
    return { step_sizes, alphas: linspace32(0, 1, n) };
  }
  if (method === 'riemann_left') return { step_sizes, alphas: linspace32(0, 1 - 1 / n, n) };
  if (method === 'riemann_middle') return { step_sizes, alphas: linspace32(1 / (2 * n), 1 - 1 / (2 * n), n) };
  return { step_sizes, alphas: linspace32(1 / n, 1, n) };
}
