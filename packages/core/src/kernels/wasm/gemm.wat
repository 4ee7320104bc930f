;; Packed float32 GEMM macro-kernel for 128-bit WebAssembly SIMD: a 4 x 8 register tile over packed panels.
;;
;; The host packs a block of op(A) into micro-panels of 4 rows (for each k, the 4 row values are adjacent)
;; and a block of op(B) into micro-panels of 8 columns (for each k, the 8 column values are adjacent), both
;; zero-padded to whole tiles, and points `c` at a zero-initialised, tile-padded float32 work matrix.
;; Each 4 x 8 tile of C lives in eight f32x4 accumulators (4 rows x 2 vectors); per k step it loads two
;; B vectors and broadcasts four A values, 16 multiply-adds for 64 flops, which fits the 16 xmm
;; registers V8 allocates on x64 without spilling. Loops run B panels outside and A panels inside, so the
;; kc x 8 B micro-panel stays in L1 while the A block streams from L2.
(module
  (memory (export "memory") 1)

  ;; C[tiles] += A_packed * B_packed over m_tiles x n_tiles tiles of 4 x 8; ldc is C's row stride in bytes.
  (func (export "gemm_f32_4x8")
    (param $a i32) (param $b i32) (param $c i32)
    (param $m_tiles i32) (param $n_tiles i32) (param $kc i32) (param $ldc i32)
    (local $b_stride i32)
    (local $jr i32) (local $ir i32) (local $k i32)
    (local $ap i32) (local $bp i32) (local $cp i32) (local $c_col i32) (local $b_panel i32)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    ;; bytes per B micro-panel: kc * 8 columns * 4 bytes
    (local.set $b_stride (i32.shl (local.get $kc) (i32.const 5)))
    (local.set $jr (i32.const 0))
    (local.set $b_panel (local.get $b))
    (local.set $c_col (local.get $c))
    (loop $over_n
      (local.set $ir (i32.const 0))
      (local.set $ap (local.get $a))
      (local.set $cp (local.get $c_col))
      (loop $over_m
        (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
        (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
        (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
        (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
        (local.set $bp (local.get $b_panel))
        (local.set $k (local.get $kc))
        (loop $over_k
          (local.set $b0 (v128.load (local.get $bp)))
          (local.set $b1 (v128.load offset=16 (local.get $bp)))
          (local.set $x (v128.load32_splat (local.get $ap)))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load32_splat offset=4 (local.get $ap)))
          (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
          (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load32_splat offset=8 (local.get $ap)))
          (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
          (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load32_splat offset=12 (local.get $ap)))
          (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
          (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
          (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
          (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
          (br_if $over_k (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
        ;; C tile += accumulators, one row (two vectors) at a time
        (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (local.get $c00)))
        (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c01)))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (local.get $c10)))
        (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c11)))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (local.get $c20)))
        (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c21)))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (local.get $c30)))
        (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c31)))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        ;; $ap has advanced by exactly one A micro-panel; $cp by four rows
        (br_if $over_m (i32.lt_u (local.tee $ir (i32.add (local.get $ir) (i32.const 1))) (local.get $m_tiles))))
      (local.set $b_panel (i32.add (local.get $b_panel) (local.get $b_stride)))
      (local.set $c_col (i32.add (local.get $c_col) (i32.const 32)))
      (br_if $over_n (i32.lt_u (local.tee $jr (i32.add (local.get $jr) (i32.const 1))) (local.get $n_tiles))))))
