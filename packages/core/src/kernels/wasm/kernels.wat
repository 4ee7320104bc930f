;; float32 leaf kernels for 128-bit WebAssembly SIMD over one (shared) memory: a packed 4 x 8 GEMM, its
;; packing, im2col / col2im and max pooling. Addresses are byte offsets, strides count floats unless named
;; *_bytes. The host (driver.ts) sequences these calls; it never touches the data in between.
(module
  ;; build_wasm.mjs assembles this module twice: as written (for threads) and with the memory not shared.
  (import "env" "memory" (memory 1 32768 shared))

  ;; C[tiles] += A_packed * B_packed over m_tiles x n_tiles tiles of 4 x 8, of which the last row of tiles
  ;; holds only last_rows (1..4) rows of C; ldc is C's row stride in bytes. With $fresh = 1, C = 0 + A B:
  ;; the tiles are written without reading C (the first depth block of a product into uninitialised memory).
  ;;
  ;; A is packed into micro-panels of 4 rows (for each k, the 4 row values are adjacent) and B into
  ;; micro-panels of 8 columns (for each k, the 8 column values are adjacent), both zero-padded to whole
  ;; tiles. Each 4 x 8 tile of C lives in eight f32x4 accumulators (4 rows x 2 vectors); per k step it loads
  ;; two B vectors and broadcasts four A values, 16 multiply-adds for 64 flops, which fits the 16 xmm
  ;; registers V8 allocates on x64 without spilling. Loops run B panels outside and A panels inside, so the
  ;; kc x 8 B micro-panel stays in L1 while the A block streams from L2. Each C element gets its kc products
  ;; summed in k order and then added once, so the result does not depend on how callers split the tiles.
  (func $gemm_f32_4x8 (export "gemm_f32_4x8")
    (param $a i32) (param $b i32) (param $c i32)
    (param $m_tiles i32) (param $n_tiles i32) (param $kc i32) (param $ldc i32) (param $last_rows i32) (param $fresh i32)
    (local $rows i32)
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
        ;; C tile += accumulators, one row (two vectors) at a time; the last tile of a column keeps only
        ;; its $last_rows real rows (the packed A rows past them are zeros)
        (local.set $rows (select (local.get $last_rows) (i32.const 4)
          (i32.eq (i32.add (local.get $ir) (i32.const 1)) (local.get $m_tiles))))
        (v128.store (local.get $cp) (f32x4.add (if (result v128) (local.get $fresh) (then (v128.const i32x4 0 0 0 0)) (else (v128.load (local.get $cp)))) (local.get $c00)))
        (v128.store offset=16 (local.get $cp) (f32x4.add (if (result v128) (local.get $fresh) (then (v128.const i32x4 0 0 0 0)) (else (v128.load offset=16 (local.get $cp)))) (local.get $c01)))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        (if (i32.gt_u (local.get $rows) (i32.const 1)) (then
          (v128.store (local.get $cp) (f32x4.add (if (result v128) (local.get $fresh) (then (v128.const i32x4 0 0 0 0)) (else (v128.load (local.get $cp)))) (local.get $c10)))
          (v128.store offset=16 (local.get $cp) (f32x4.add (if (result v128) (local.get $fresh) (then (v128.const i32x4 0 0 0 0)) (else (v128.load offset=16 (local.get $cp)))) (local.get $c11)))))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        (if (i32.gt_u (local.get $rows) (i32.const 2)) (then
          (v128.store (local.get $cp) (f32x4.add (if (result v128) (local.get $fresh) (then (v128.const i32x4 0 0 0 0)) (else (v128.load (local.get $cp)))) (local.get $c20)))
          (v128.store offset=16 (local.get $cp) (f32x4.add (if (result v128) (local.get $fresh) (then (v128.const i32x4 0 0 0 0)) (else (v128.load offset=16 (local.get $cp)))) (local.get $c21)))))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        (if (i32.gt_u (local.get $rows) (i32.const 3)) (then
          (v128.store (local.get $cp) (f32x4.add (if (result v128) (local.get $fresh) (then (v128.const i32x4 0 0 0 0)) (else (v128.load (local.get $cp)))) (local.get $c30)))
          (v128.store offset=16 (local.get $cp) (f32x4.add (if (result v128) (local.get $fresh) (then (v128.const i32x4 0 0 0 0)) (else (v128.load offset=16 (local.get $cp)))) (local.get $c31)))))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        ;; $ap has advanced by exactly one A micro-panel; $cp by four rows
        (br_if $over_m (i32.lt_u (local.tee $ir (i32.add (local.get $ir) (i32.const 1))) (local.get $m_tiles))))
      (local.set $b_panel (i32.add (local.get $b_panel) (local.get $b_stride)))
      (local.set $c_col (i32.add (local.get $c_col) (i32.const 32)))
      (br_if $over_n (i32.lt_u (local.tee $jr (i32.add (local.get $jr) (i32.const 1))) (local.get $n_tiles)))))

  ;; C[mb x nb] += A_packed * B_packed for any mb, nb >= 1 (C = A B without reading C when $fresh = 1):
  ;; whole columns of tiles in place (the kernel trims the last row of tiles), a last partial column of
  ;; tiles through the 4 x 8 scratch tile at $tmp (128 bytes), so C needs no padding. ldc is in bytes.
  (func $gemm_block (export "gemm_block")
    (param $a i32) (param $b i32) (param $c i32) (param $mb i32) (param $nb i32) (param $kc i32)
    (param $ldc i32) (param $tmp i32) (param $fresh i32)
    (local $nf i32) (local $mt i32) (local $i i32) (local $last i32)
    (local $rows i32) (local $cols i32) (local $ct i32) (local $r i32) (local $q i32)
    (local.set $nf (i32.shr_u (local.get $nb) (i32.const 3)))
    (local.set $mt (i32.shr_u (i32.add (local.get $mb) (i32.const 3)) (i32.const 2)))
    (local.set $last (i32.sub (local.get $mb) (i32.shl (i32.sub (local.get $mt) (i32.const 1)) (i32.const 2))))
    (if (i32.ne (local.get $nf) (i32.const 0))
      (then (call $gemm_f32_4x8 (local.get $a) (local.get $b) (local.get $c) (local.get $mt) (local.get $nf)
        (local.get $kc) (local.get $ldc) (local.get $last) (local.get $fresh))))
    (local.set $cols (i32.and (local.get $nb) (i32.const 7)))
    (if (i32.eqz (local.get $cols)) (then (return)))
    (local.set $i (i32.const 0))
    (loop $rows_loop
      (local.set $rows (select (local.get $last) (i32.const 4) (i32.eq (i32.add (local.get $i) (i32.const 1)) (local.get $mt))))
      (local.set $ct (i32.add (local.get $c)
        (i32.add (i32.mul (i32.shl (local.get $i) (i32.const 2)) (local.get $ldc)) (i32.shl (local.get $nf) (i32.const 5)))))
      ;; tmp = the valid part of the C tile, zeros elsewhere
      (v128.store (local.get $tmp) (v128.const i32x4 0 0 0 0)) (v128.store offset=16 (local.get $tmp) (v128.const i32x4 0 0 0 0))
      (v128.store offset=32 (local.get $tmp) (v128.const i32x4 0 0 0 0)) (v128.store offset=48 (local.get $tmp) (v128.const i32x4 0 0 0 0))
      (v128.store offset=64 (local.get $tmp) (v128.const i32x4 0 0 0 0)) (v128.store offset=80 (local.get $tmp) (v128.const i32x4 0 0 0 0))
      (v128.store offset=96 (local.get $tmp) (v128.const i32x4 0 0 0 0)) (v128.store offset=112 (local.get $tmp) (v128.const i32x4 0 0 0 0))
      (local.set $r (i32.const 0))
      (loop $in_r
        (local.set $q (i32.const 0))
        (loop $in_q
          (f32.store (i32.add (local.get $tmp) (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 3)) (local.get $q)) (i32.const 2)))
            (f32.load (i32.add (local.get $ct) (i32.add (i32.mul (local.get $r) (local.get $ldc)) (i32.shl (local.get $q) (i32.const 2))))))
          (br_if $in_q (i32.lt_u (local.tee $q (i32.add (local.get $q) (i32.const 1))) (local.get $cols))))
        (br_if $in_r (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $rows))))
      (call $gemm_f32_4x8
        (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $kc)) (i32.const 4)))
        (i32.add (local.get $b) (i32.shl (i32.mul (local.get $nf) (local.get $kc)) (i32.const 5)))
        (local.get $tmp) (i32.const 1) (i32.const 1) (local.get $kc) (i32.const 32) (i32.const 4) (local.get $fresh))
      (local.set $r (i32.const 0))
      (loop $out_r
        (local.set $q (i32.const 0))
        (loop $out_q
          (f32.store (i32.add (local.get $ct) (i32.add (i32.mul (local.get $r) (local.get $ldc)) (i32.shl (local.get $q) (i32.const 2))))
            (f32.load (i32.add (local.get $tmp) (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 3)) (local.get $q)) (i32.const 2)))))
          (br_if $out_q (i32.lt_u (local.tee $q (i32.add (local.get $q) (i32.const 1))) (local.get $cols))))
        (br_if $out_r (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $rows))))
      (br_if $rows_loop (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $mt)))))

  ;; Packs op(A)[0:mb, 0:kb], op(A)[i, k] = src[i*rs + k*cs], into 4-row micro-panels at dst:
  ;; dst[t*kb*4 + k*4 + r] = op(A)[t*4 + r, k], rows past mb as zeros. Row-major A (cs = 1) moves
  ;; 4 x 4 blocks with vector loads and a register transpose; column-major A (rs = 1) one vector per k.
  (func (export "pack_a")
    (param $src i32) (param $rs i32) (param $cs i32) (param $mb i32) (param $kb i32) (param $dst i32)
    (local $t i32) (local $r i32) (local $k i32) (local $k4 i32) (local $d i32) (local $s i32) (local $rows i32)
    (local $rsb i32) (local $csb i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $u0 v128) (local $u1 v128)
    (local.set $rsb (i32.shl (local.get $rs) (i32.const 2)))
    (local.set $csb (i32.shl (local.get $cs) (i32.const 2)))
    (local.set $k4 (i32.and (local.get $kb) (i32.const -4)))
    (local.set $t (i32.const 0))
    (loop $panels
      (local.set $rows (i32.sub (local.get $mb) (local.get $t)))
      (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $t) (local.get $kb)) (i32.const 2))))
      (local.set $k (i32.const 0))
      (if (i32.and (i32.ge_s (local.get $rows) (i32.const 4)) (i32.eq (local.get $cs) (i32.const 1)))
        (then
          (local.set $s (i32.add (local.get $src) (i32.mul (local.get $t) (local.get $rsb))))
          (block $done4
            (loop $by4
              (br_if $done4 (i32.ge_u (local.get $k) (local.get $k4)))
              (local.set $v0 (v128.load (local.get $s)))
              (local.set $v1 (v128.load (i32.add (local.get $s) (local.get $rsb))))
              (local.set $v2 (v128.load (i32.add (local.get $s) (i32.shl (local.get $rsb) (i32.const 1)))))
              (local.set $v3 (v128.load (i32.add (local.get $s) (i32.mul (local.get $rsb) (i32.const 3)))))
              ;; u0 = a0 b0 a1 b1, u1 = c0 d0 c1 d1 -> columns 0 and 1
              (local.set $u0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
              (local.set $u1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
              (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u0) (local.get $u1)))
              (v128.store offset=16 (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u0) (local.get $u1)))
              ;; u0 = a2 b2 a3 b3, u1 = c2 d2 c3 d3 -> columns 2 and 3
              (local.set $u0 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
              (local.set $u1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
              (v128.store offset=32 (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u0) (local.get $u1)))
              (v128.store offset=48 (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u0) (local.get $u1)))
              (local.set $s (i32.add (local.get $s) (i32.const 16)))
              (local.set $d (i32.add (local.get $d) (i32.const 64)))
              (local.set $k (i32.add (local.get $k) (i32.const 4)))
              (br $by4))))
        (else
          (if (i32.and (i32.ge_s (local.get $rows) (i32.const 4)) (i32.eq (local.get $rs) (i32.const 1)))
            (then
              ;; the panel's four rows are adjacent at every k
              (local.set $s (i32.add (local.get $src) (i32.shl (local.get $t) (i32.const 2))))
              (block $done_cols
                (loop $by1
                  (br_if $done_cols (i32.ge_u (local.get $k) (local.get $kb)))
                  (v128.store (local.get $d) (v128.load (local.get $s)))
                  (local.set $s (i32.add (local.get $s) (local.get $csb)))
                  (local.set $d (i32.add (local.get $d) (i32.const 16)))
                  (local.set $k (i32.add (local.get $k) (i32.const 1)))
                  (br $by1)))))))
      ;; the remaining k (all of them when the fast path does not apply), one element at a time
      (local.set $r (i32.const 0))
      (loop $over_r
        (local.set $s (i32.add (local.get $src)
          (i32.add (i32.mul (i32.add (local.get $t) (local.get $r)) (local.get $rsb)) (i32.mul (local.get $k) (local.get $csb)))))
        (local.set $k4 (local.get $k))
        (local.set $s (select (local.get $s) (i32.const 0) (i32.lt_s (local.get $r) (local.get $rows))))
        (block $row_done
          (loop $over_k
            (br_if $row_done (i32.ge_u (local.get $k4) (local.get $kb)))
            (f32.store (i32.add (local.get $d) (i32.shl (i32.add (i32.shl (i32.sub (local.get $k4) (local.get $k)) (i32.const 2)) (local.get $r)) (i32.const 2)))
              (if (result f32) (i32.lt_s (local.get $r) (local.get $rows))
                (then (f32.load (local.get $s))) (else (f32.const 0))))
            (local.set $s (i32.add (local.get $s) (local.get $csb)))
            (local.set $k4 (i32.add (local.get $k4) (i32.const 1)))
            (br $over_k)))
        (br_if $over_r (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (i32.const 4))))
      (local.set $k4 (i32.and (local.get $kb) (i32.const -4)))
      (br_if $panels (i32.lt_s (local.tee $t (i32.add (local.get $t) (i32.const 4))) (local.get $mb)))))

  ;; Packs op(B)[0:kb, 0:nb], op(B)[k, j] = src[k*rs + j*cs], into 8-column micro-panels at dst:
  ;; dst[t*kb*8 + k*8 + c] = op(B)[k, t*8 + c], columns past nb as zeros. Row-major B (cs = 1) copies
  ;; two vectors per k; column-major B (rs = 1) transposes two 4 x 4 blocks per 4 k.
  (func (export "pack_b")
    (param $src i32) (param $rs i32) (param $cs i32) (param $kb i32) (param $nb i32) (param $dst i32)
    (local $t i32) (local $c i32) (local $k i32) (local $d i32) (local $s i32) (local $cols i32) (local $k4 i32)
    (local $rsb i32) (local $csb i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $u0 v128) (local $u1 v128) (local $h i32)
    (local.set $rsb (i32.shl (local.get $rs) (i32.const 2)))
    (local.set $csb (i32.shl (local.get $cs) (i32.const 2)))
    (local.set $k4 (i32.and (local.get $kb) (i32.const -4)))
    (local.set $t (i32.const 0))
    (loop $panels
      (local.set $cols (i32.sub (local.get $nb) (local.get $t)))
      (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $t) (local.get $kb)) (i32.const 2))))
      (local.set $k (i32.const 0))
      (if (i32.and (i32.ge_s (local.get $cols) (i32.const 8)) (i32.eq (local.get $cs) (i32.const 1)))
        (then
          (local.set $s (i32.add (local.get $src) (i32.shl (local.get $t) (i32.const 2))))
          (loop $rows
            (v128.store (local.get $d) (v128.load (local.get $s)))
            (v128.store offset=16 (local.get $d) (v128.load offset=16 (local.get $s)))
            (local.set $s (i32.add (local.get $s) (local.get $rsb)))
            (local.set $d (i32.add (local.get $d) (i32.const 32)))
            (br_if $rows (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $kb)))))
        (else
          (if (i32.and (i32.ge_s (local.get $cols) (i32.const 8)) (i32.eq (local.get $rs) (i32.const 1)))
            (then
              (block $done4
                (loop $by4
                  (br_if $done4 (i32.ge_u (local.get $k) (local.get $k4)))
                  ;; columns t..t+3 into the low vectors, then t+4..t+7 into the high ones
                  (local.set $h (i32.const 0))
                  (loop $halves
                    (local.set $s (i32.add (local.get $src)
                      (i32.add (i32.mul (i32.add (local.get $t) (local.get $h)) (local.get $csb)) (i32.shl (local.get $k) (i32.const 2)))))
                    (local.set $v0 (v128.load (local.get $s)))
                    (local.set $v1 (v128.load (i32.add (local.get $s) (local.get $csb))))
                    (local.set $v2 (v128.load (i32.add (local.get $s) (i32.shl (local.get $csb) (i32.const 1)))))
                    (local.set $v3 (v128.load (i32.add (local.get $s) (i32.mul (local.get $csb) (i32.const 3)))))
                    (local.set $s (i32.add (local.get $d) (i32.shl (local.get $h) (i32.const 2))))
                    (local.set $u0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
                    (local.set $u1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
                    (v128.store (local.get $s) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u0) (local.get $u1)))
                    (v128.store offset=32 (local.get $s) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u0) (local.get $u1)))
                    (local.set $u0 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
                    (local.set $u1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
                    (v128.store offset=64 (local.get $s) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u0) (local.get $u1)))
                    (v128.store offset=96 (local.get $s) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u0) (local.get $u1)))
                    (br_if $halves (i32.lt_u (local.tee $h (i32.add (local.get $h) (i32.const 4))) (i32.const 8))))
                  (local.set $d (i32.add (local.get $d) (i32.const 128)))
                  (local.set $k (i32.add (local.get $k) (i32.const 4)))
                  (br $by4)))))
          ;; the remaining k, one element at a time
          (block $all_done
            (loop $over_k
              (br_if $all_done (i32.ge_u (local.get $k) (local.get $kb)))
              (local.set $c (i32.const 0))
              (local.set $s (i32.add (local.get $src)
                (i32.add (i32.mul (local.get $k) (local.get $rsb)) (i32.mul (local.get $t) (local.get $csb)))))
              (loop $over_c
                (f32.store (i32.add (local.get $d) (i32.shl (local.get $c) (i32.const 2)))
                  (if (result f32) (i32.lt_s (local.get $c) (local.get $cols))
                    (then (f32.load (local.get $s))) (else (f32.const 0))))
                (local.set $s (i32.add (local.get $s) (local.get $csb)))
                (br_if $over_c (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (i32.const 8))))
              (local.set $d (i32.add (local.get $d) (i32.const 32)))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br $over_k)))))
      (br_if $panels (i32.lt_s (local.tee $t (i32.add (local.get $t) (i32.const 8))) (local.get $nb)))))

  ;; Every row i of C[rows x cols] (row stride ld floats) = values[i], or 0 when $values is -1.
  (func (export "fill_rows")
    (param $c i32) (param $rows i32) (param $cols i32) (param $ld i32) (param $values i32)
    (local $i i32) (local $j i32) (local $p i32) (local $v f32) (local $vv v128) (local $c4 i32)
    (local.set $c4 (i32.and (local.get $cols) (i32.const -4)))
    (block $done
      (loop $over_i
        (br_if $done (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $v (if (result f32) (i32.eq (local.get $values) (i32.const -1)) (then (f32.const 0))
          (else (f32.load (i32.add (local.get $values) (i32.shl (local.get $i) (i32.const 2)))))))
        (local.set $vv (f32x4.splat (local.get $v)))
        (local.set $p (i32.add (local.get $c) (i32.shl (i32.mul (local.get $i) (local.get $ld)) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $vec_done
          (loop $vec
            (br_if $vec_done (i32.ge_u (local.get $j) (local.get $c4)))
            (v128.store (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))) (local.get $vv))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $vec)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $j) (local.get $cols)))
            (f32.store (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))) (local.get $v))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $tail)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $over_i))))

  ;; First output index o in [0, n_out] whose tap o*s + off lies at or after 0: ceil(-off / s), clipped.
  (func $tap_lo (param $off i32) (param $s i32) (param $n_out i32) (result i32)
    (local $lo i32)
    (local.set $lo (select (i32.const 0)
      (i32.div_s (i32.add (i32.sub (i32.const 0) (local.get $off)) (i32.sub (local.get $s) (i32.const 1))) (local.get $s))
      (i32.ge_s (local.get $off) (i32.const 0))))
    (select (local.get $lo) (local.get $n_out) (i32.lt_s (local.get $lo) (local.get $n_out))))

  ;; One past the last output index whose tap o*s + off lies before L, clipped to [lo, n_out].
  (func $tap_hi (param $off i32) (param $s i32) (param $L i32) (param $n_out i32) (param $lo i32) (result i32)
    (local $hi i32)
    (local.set $hi (select (i32.const 0)
      (i32.add (i32.div_s (i32.sub (i32.sub (local.get $L) (i32.const 1)) (local.get $off)) (local.get $s)) (i32.const 1))
      (i32.ge_s (local.get $off) (local.get $L))))
    (local.set $hi (select (local.get $hi) (local.get $n_out) (i32.lt_s (local.get $hi) (local.get $n_out))))
    (select (local.get $hi) (local.get $lo) (i32.gt_s (local.get $hi) (local.get $lo))))

  ;; Copies n floats from s to d (vectors, then a scalar tail).
  (func $copy_f32 (param $d i32) (param $s i32) (param $n i32)
    (block $vec_done
      (loop $vec
        (br_if $vec_done (i32.lt_s (local.get $n) (i32.const 4)))
        (v128.store (local.get $d) (v128.load (local.get $s)))
        (local.set $d (i32.add (local.get $d) (i32.const 16)))
        (local.set $s (i32.add (local.get $s) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 4)))
        (br $vec)))
    (block $done
      (loop $tail
        (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
        (f32.store (local.get $d) (f32.load (local.get $s)))
        (local.set $d (i32.add (local.get $d) (i32.const 4)))
        (local.set $s (i32.add (local.get $s) (i32.const 4)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $tail))))

;; dst[i*dst_ld + j] = src[i*src_ld + j] for i < rows, j < cols (strides in floats): a batch of per-sample
  ;; [rows x cols] blocks moved to or from one [rows x N*cols] matrix.
  (func (export "copy_rows")
    (param $src i32) (param $src_ld i32) (param $dst i32) (param $dst_ld i32) (param $rows i32) (param $cols i32)
    (block $done
      (loop $over_rows
        (br_if $done (i32.le_s (local.get $rows) (i32.const 0)))
        (call $copy_f32 (local.get $dst) (local.get $src) (local.get $cols))
        (local.set $src (i32.add (local.get $src) (i32.shl (local.get $src_ld) (i32.const 2))))
        (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $dst_ld) (i32.const 2))))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $over_rows))))

  ;; Sets n floats at d to 0 (vectors, then a scalar tail); cheaper than memory.fill for the short runs here.
  (func $zero_f32 (param $d i32) (param $n i32)
    (block $vec_done
      (loop $vec
        (br_if $vec_done (i32.lt_s (local.get $n) (i32.const 4)))
        (v128.store (local.get $d) (v128.const i32x4 0 0 0 0))
        (local.set $d (i32.add (local.get $d) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 4)))
        (br $vec)))
    (block $done
      (loop $tail
        (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
        (f32.store (local.get $d) (f32.const 0))
        (local.set $d (i32.add (local.get $d) (i32.const 4)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $tail))))

  ;; Rows [r0, r1) of the unfolded input of $ns samples, row r = (c*kh + a)*kw + b, column oh*Wo + ow, rows $ld
  ;; floats apart, sample n's input $xs bytes after sample n-1's and its columns $cs bytes after:
  ;; col[n*cs + (r - r0)*ld + oh*Wo + ow] = x[n, c, oh*sh - ph + a*dh, ow*sw - pw + b*dw], 0 outside the image.
  ;; x points at channel 0 of the group; the per-tap output ranges inside the image are solved once per row,
  ;; for all the samples (on small maps a row of a sample is a few floats).
  (func (export "im2col")
    (param $x i32) (param $H i32) (param $W i32) (param $kh i32) (param $kw i32)
    (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32) (param $dh i32) (param $dw i32)
    (param $Ho i32) (param $Wo i32) (param $r0 i32) (param $r1 i32) (param $col i32) (param $ld i32)
    (param $ns i32) (param $xs i32) (param $cs i32)
    (local $r i32) (local $c i32) (local $a i32) (local $b i32) (local $kk i32)
    (local $h_off i32) (local $w_off i32) (local $oh_lo i32) (local $oh_hi i32) (local $ow_lo i32) (local $ow_hi i32)
    (local $oh i32) (local $ow i32) (local $dst i32) (local $d i32) (local $src i32) (local $xc i32)
    (local $n i32) (local $dn i32) (local $xn i32)
    (local.set $kk (i32.mul (local.get $kh) (local.get $kw)))
    (local.set $r (local.get $r0))
    (local.set $dst (local.get $col))
    (block $done
      (loop $over_r
        (br_if $done (i32.ge_u (local.get $r) (local.get $r1)))
        (local.set $c (i32.div_u (local.get $r) (local.get $kk)))
        (local.set $a (i32.sub (local.get $r) (i32.mul (local.get $c) (local.get $kk))))
        (local.set $b (i32.rem_u (local.get $a) (local.get $kw)))
        (local.set $a (i32.div_u (local.get $a) (local.get $kw)))
        (local.set $h_off (i32.sub (i32.mul (local.get $a) (local.get $dh)) (local.get $ph)))
        (local.set $w_off (i32.sub (i32.mul (local.get $b) (local.get $dw)) (local.get $pw)))
        (local.set $oh_lo (call $tap_lo (local.get $h_off) (local.get $sh) (local.get $Ho)))
        (local.set $oh_hi (call $tap_hi (local.get $h_off) (local.get $sh) (local.get $H) (local.get $Ho) (local.get $oh_lo)))
        (local.set $ow_lo (call $tap_lo (local.get $w_off) (local.get $sw) (local.get $Wo)))
        (local.set $ow_hi (call $tap_hi (local.get $w_off) (local.get $sw) (local.get $W) (local.get $Wo) (local.get $ow_lo)))
        (local.set $xc (i32.add (local.get $x) (i32.shl (i32.mul (local.get $c) (i32.mul (local.get $H) (local.get $W))) (i32.const 2))))
        (local.set $n (i32.const 0))
        (local.set $dn (local.get $dst))
        (local.set $xn (local.get $xc))
        (block $samples_done
        (loop $over_n
        (br_if $samples_done (i32.ge_s (local.get $n) (local.get $ns)))
        ;; output rows whose tap falls in the top / bottom padding
        (call $zero_f32 (local.get $dn) (i32.mul (local.get $oh_lo) (local.get $Wo)))
        (call $zero_f32 (i32.add (local.get $dn) (i32.shl (i32.mul (local.get $oh_hi) (local.get $Wo)) (i32.const 2))) (i32.mul (i32.sub (local.get $Ho) (local.get $oh_hi)) (local.get $Wo)))
        (local.set $oh (local.get $oh_lo))
        (block $rows_done
          (loop $over_oh
            (br_if $rows_done (i32.ge_s (local.get $oh) (local.get $oh_hi)))
            (local.set $d (i32.add (local.get $dn) (i32.shl (i32.mul (local.get $oh) (local.get $Wo)) (i32.const 2))))
            (local.set $src (i32.add (local.get $xn) (i32.shl
              (i32.add (i32.mul (i32.add (i32.mul (local.get $oh) (local.get $sh)) (local.get $h_off)) (local.get $W)) (local.get $w_off))
              (i32.const 2))))
            (if (i32.gt_s (local.get $ow_lo) (i32.const 0)) (then (call $zero_f32 (local.get $d) (local.get $ow_lo))))
            (if (i32.lt_s (local.get $ow_hi) (local.get $Wo))
              (then (call $zero_f32 (i32.add (local.get $d) (i32.shl (local.get $ow_hi) (i32.const 2))) (i32.sub (local.get $Wo) (local.get $ow_hi)))))
            (if (i32.eq (local.get $sw) (i32.const 1))
              (then
                (call $copy_f32 (i32.add (local.get $d) (i32.shl (local.get $ow_lo) (i32.const 2)))
                  (i32.add (local.get $src) (i32.shl (local.get $ow_lo) (i32.const 2)))
                  (i32.sub (local.get $ow_hi) (local.get $ow_lo))))
              (else
                (local.set $ow (local.get $ow_lo))
                (block $cols_done
                  (loop $over_ow
                    (br_if $cols_done (i32.ge_s (local.get $ow) (local.get $ow_hi)))
                    (f32.store (i32.add (local.get $d) (i32.shl (local.get $ow) (i32.const 2)))
                      (f32.load (i32.add (local.get $src) (i32.shl (i32.mul (local.get $ow) (local.get $sw)) (i32.const 2)))))
                    (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
                    (br $over_ow)))))
            (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
            (br $over_oh)))
        (local.set $dn (i32.add (local.get $dn) (local.get $cs)))
        (local.set $xn (i32.add (local.get $xn) (local.get $xs)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $over_n)))
        (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $ld) (i32.const 2))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $over_r))))

  ;; Adjoint of im2col for channels [c0, c1) of a group, for $ns samples: gx plane c of sample q = sum of
  ;; the col entries (rows of channel c, $ld floats apart, col pointing at channel c0's first row; sample q's
  ;; $cs bytes after sample q-1's) read from each of its pixels, taps in (a, b) order; sample q's planes are
  ;; $gs bytes after sample q-1's. The per-tap output ranges are solved once for all the samples.
  (func (export "col2im")
    (param $col i32) (param $H i32) (param $W i32) (param $kh i32) (param $kw i32)
    (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32) (param $dh i32) (param $dw i32)
    (param $Ho i32) (param $Wo i32) (param $c0 i32) (param $c1 i32) (param $gx i32) (param $ld i32)
    (param $ns i32) (param $cs i32) (param $gs i32)
    (local $c i32) (local $a i32) (local $b i32) (local $L i32) (local $HW i32)
    (local $h_off i32) (local $w_off i32) (local $oh_lo i32) (local $oh_hi i32) (local $ow_lo i32) (local $ow_hi i32)
    (local $oh i32) (local $n i32) (local $s i32) (local $d i32) (local $plane i32) (local $row i32) (local $swb i32)
    (local $q i32) (local $pq i32) (local $rq i32)
    (local.set $L (i32.mul (local.get $Ho) (local.get $Wo)))
    (local.set $HW (i32.mul (local.get $H) (local.get $W)))
    (local.set $swb (i32.shl (local.get $sw) (i32.const 2)))
    (local.set $row (local.get $col))
    (local.set $c (local.get $c0))
    (block $done
      (loop $over_c
        (br_if $done (i32.ge_u (local.get $c) (local.get $c1)))
        (local.set $plane (i32.add (local.get $gx) (i32.shl (i32.mul (local.get $c) (local.get $HW)) (i32.const 2))))
        (local.set $q (i32.const 0))
        (local.set $pq (local.get $plane))
        (block $zeroed
          (loop $zero_q
            (br_if $zeroed (i32.ge_s (local.get $q) (local.get $ns)))
            (call $zero_f32 (local.get $pq) (local.get $HW))
            (local.set $pq (i32.add (local.get $pq) (local.get $gs)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $zero_q)))
        (local.set $a (i32.const 0))
        (loop $over_a
          (local.set $h_off (i32.sub (i32.mul (local.get $a) (local.get $dh)) (local.get $ph)))
          (local.set $oh_lo (call $tap_lo (local.get $h_off) (local.get $sh) (local.get $Ho)))
          (local.set $oh_hi (call $tap_hi (local.get $h_off) (local.get $sh) (local.get $H) (local.get $Ho) (local.get $oh_lo)))
          (local.set $b (i32.const 0))
          (loop $over_b
            (local.set $w_off (i32.sub (i32.mul (local.get $b) (local.get $dw)) (local.get $pw)))
            (local.set $ow_lo (call $tap_lo (local.get $w_off) (local.get $sw) (local.get $Wo)))
            (local.set $ow_hi (call $tap_hi (local.get $w_off) (local.get $sw) (local.get $W) (local.get $Wo) (local.get $ow_lo)))
            (local.set $q (i32.const 0))
            (local.set $pq (local.get $plane))
            (local.set $rq (local.get $row))
            (block $samples_done
            (loop $over_q
            (br_if $samples_done (i32.ge_s (local.get $q) (local.get $ns)))
            (local.set $oh (local.get $oh_lo))
            (block $rows_done
              (loop $over_oh
                (br_if $rows_done (i32.ge_s (local.get $oh) (local.get $oh_hi)))
                (local.set $s (i32.add (local.get $rq) (i32.shl (i32.add (i32.mul (local.get $oh) (local.get $Wo)) (local.get $ow_lo)) (i32.const 2))))
                (local.set $d (i32.add (local.get $pq) (i32.shl
                  (i32.add (i32.add (i32.mul (i32.add (i32.mul (local.get $oh) (local.get $sh)) (local.get $h_off)) (local.get $W)) (local.get $w_off))
                    (i32.mul (local.get $ow_lo) (local.get $sw)))
                  (i32.const 2))))
                (local.set $n (i32.sub (local.get $ow_hi) (local.get $ow_lo)))
                (if (i32.eq (local.get $sw) (i32.const 1))
                  (then
                    (block $vec_done
                      (loop $vec
                        (br_if $vec_done (i32.lt_s (local.get $n) (i32.const 4)))
                        (v128.store (local.get $d) (f32x4.add (v128.load (local.get $d)) (v128.load (local.get $s))))
                        (local.set $d (i32.add (local.get $d) (i32.const 16)))
                        (local.set $s (i32.add (local.get $s) (i32.const 16)))
                        (local.set $n (i32.sub (local.get $n) (i32.const 4)))
                        (br $vec)))))
                (block $tail_done
                  (loop $tail
                    (br_if $tail_done (i32.le_s (local.get $n) (i32.const 0)))
                    (f32.store (local.get $d) (f32.add (f32.load (local.get $d)) (f32.load (local.get $s))))
                    (local.set $d (i32.add (local.get $d) (local.get $swb)))
                    (local.set $s (i32.add (local.get $s) (i32.const 4)))
                    (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                    (br $tail)))
                (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
                (br $over_oh)))
            (local.set $pq (i32.add (local.get $pq) (local.get $gs)))
            (local.set $rq (i32.add (local.get $rq) (local.get $cs)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $over_q)))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ld) (i32.const 2))))
            (br_if $over_b (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $kw))))
          (br_if $over_a (i32.lt_u (local.tee $a (i32.add (local.get $a) (i32.const 1))) (local.get $kh))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $over_c))))

  ;; Max pooling of planes [p0, p1): out = window maximum, idx (float64) = its h*W + w in the plane. Windows
  ;; are scanned row-major and a value wins only when strictly larger, except that NaN always wins and
  ;; the first in-bounds value seeds the maximum (PyTorch's rules, as the js kernel). The in-bounds taps
  ;; of each window are solved up front, so the scan itself has no bounds checks.
  (func (export "max_pool2d")
    (param $x i32) (param $out i32) (param $idx i32) (param $p0 i32) (param $p1 i32) (param $H i32) (param $W i32)
    (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32)
    (param $dh i32) (param $dw i32) (param $Ho i32) (param $Wo i32)
    (local $p i32) (local $i i32) (local $j i32) (local $a i32) (local $b i32) (local $row i32) (local $pos i32)
    (local $h0 i32) (local $w0 i32) (local $xb i32) (local $o i32) (local $m f32) (local $v f32) (local $id i32)
    (local $a_lo i32) (local $a_hi i32) (local $b_lo i32) (local $b_hi i32) (local $take i32)
    (local $fast i32) (local $q i32) (local $r0a v128) (local $r0b v128) (local $r1a v128) (local $r1b v128)
    (local $vm v128) (local $vv v128) (local $vt v128) (local $vid v128) (local $id0 v128)
    ;; 2 x 2 windows at stride 2 without padding or dilation (every CNN's pooling) take four outputs per step
    (local.set $fast (i32.and (i32.and (i32.and (i32.eq (local.get $kh) (i32.const 2)) (i32.eq (local.get $kw) (i32.const 2)))
      (i32.and (i32.eq (local.get $sh) (i32.const 2)) (i32.eq (local.get $sw) (i32.const 2))))
      (i32.and (i32.eqz (i32.or (local.get $ph) (local.get $pw)))
        (i32.and (i32.eq (local.get $dh) (i32.const 1)) (i32.eq (local.get $dw) (i32.const 1))))))
    (local.set $p (local.get $p0))
    (local.set $o (i32.mul (local.get $p0) (i32.mul (local.get $Ho) (local.get $Wo))))
    (block $done
      (loop $over_p
        (br_if $done (i32.ge_u (local.get $p) (local.get $p1)))
        (local.set $xb (i32.add (local.get $x) (i32.shl (i32.mul (local.get $p) (i32.mul (local.get $H) (local.get $W))) (i32.const 2))))
        (local.set $i (i32.const 0))
        (loop $over_i
          (local.set $h0 (i32.sub (i32.mul (local.get $i) (local.get $sh)) (local.get $ph)))
          (local.set $a_lo (call $tap_lo (local.get $h0) (local.get $dh) (local.get $kh)))
          (local.set $a_hi (call $tap_hi (local.get $h0) (local.get $dh) (local.get $H) (local.get $kh) (local.get $a_lo)))
          (local.set $j (i32.const 0))
          (if (i32.and (local.get $fast) (i32.lt_s (i32.add (local.get $h0) (i32.const 1)) (local.get $H)))
            (then
              (block $simd_done
                (loop $simd
                  ;; outputs j..j+3 read columns 2j..2j+7 of rows h0 and h0 + 1
                  (br_if $simd_done (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $Wo)))
                  (br_if $simd_done (i32.ge_s (i32.add (i32.shl (local.get $j) (i32.const 1)) (i32.const 7)) (local.get $W)))
                  (local.set $q (i32.add (i32.mul (local.get $h0) (local.get $W)) (i32.shl (local.get $j) (i32.const 1))))
                  (local.set $pos (i32.add (local.get $xb) (i32.shl (local.get $q) (i32.const 2))))
                  (local.set $r0a (v128.load (local.get $pos)))
                  (local.set $r0b (v128.load offset=16 (local.get $pos)))
                  (local.set $pos (i32.add (local.get $pos) (i32.shl (local.get $W) (i32.const 2))))
                  (local.set $r1a (v128.load (local.get $pos)))
                  (local.set $r1b (v128.load offset=16 (local.get $pos)))
                  (local.set $id0 (i32x4.add (i32x4.splat (local.get $q)) (v128.const i32x4 0 2 4 6)))
                  ;; taps in scan order: (0, 0) seeds, then (0, 1), (1, 0), (1, 1) win when larger or NaN
                  (local.set $vm (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $r0a) (local.get $r0b)))
                  (local.set $vid (local.get $id0))
                  (local.set $vv (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $r0a) (local.get $r0b)))
                  (local.set $vt (v128.or (f32x4.gt (local.get $vv) (local.get $vm)) (f32x4.ne (local.get $vv) (local.get $vv))))
                  (local.set $vm (v128.bitselect (local.get $vv) (local.get $vm) (local.get $vt)))
                  (local.set $vid (v128.bitselect (i32x4.add (local.get $id0) (i32x4.splat (i32.const 1))) (local.get $vid) (local.get $vt)))
                  (local.set $vv (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $r1a) (local.get $r1b)))
                  (local.set $vt (v128.or (f32x4.gt (local.get $vv) (local.get $vm)) (f32x4.ne (local.get $vv) (local.get $vv))))
                  (local.set $vm (v128.bitselect (local.get $vv) (local.get $vm) (local.get $vt)))
                  (local.set $vid (v128.bitselect (i32x4.add (local.get $id0) (i32x4.splat (local.get $W))) (local.get $vid) (local.get $vt)))
                  (local.set $vv (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $r1a) (local.get $r1b)))
                  (local.set $vt (v128.or (f32x4.gt (local.get $vv) (local.get $vm)) (f32x4.ne (local.get $vv) (local.get $vv))))
                  (local.set $vm (v128.bitselect (local.get $vv) (local.get $vm) (local.get $vt)))
                  (local.set $vid (v128.bitselect (i32x4.add (local.get $id0) (i32x4.splat (i32.add (local.get $W) (i32.const 1))))
                    (local.get $vid) (local.get $vt)))
                  (v128.store (i32.add (local.get $out) (i32.shl (local.get $o) (i32.const 2))) (local.get $vm))
                  (local.set $pos (i32.add (local.get $idx) (i32.shl (local.get $o) (i32.const 3))))
                  (v128.store (local.get $pos) (f64x2.convert_low_i32x4_s (local.get $vid)))
                  (v128.store offset=16 (local.get $pos) (f64x2.convert_low_i32x4_s
                    (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vid) (local.get $vid))))
                  (local.set $o (i32.add (local.get $o) (i32.const 4)))
                  (local.set $j (i32.add (local.get $j) (i32.const 4)))
                  (br $simd)))))
          (block $row_done
          (loop $over_j
            (br_if $row_done (i32.ge_u (local.get $j) (local.get $Wo)))
            (local.set $w0 (i32.sub (i32.mul (local.get $j) (local.get $sw)) (local.get $pw)))
            ;; most windows lie inside the image: only the others need their taps solved
            (if (i32.and (i32.ge_s (local.get $w0) (i32.const 0))
                  (i32.lt_s (i32.add (local.get $w0) (i32.mul (i32.sub (local.get $kw) (i32.const 1)) (local.get $dw))) (local.get $W)))
              (then (local.set $b_lo (i32.const 0)) (local.set $b_hi (local.get $kw)))
              (else
                (local.set $b_lo (call $tap_lo (local.get $w0) (local.get $dw) (local.get $kw)))
                (local.set $b_hi (call $tap_hi (local.get $w0) (local.get $dw) (local.get $W) (local.get $kw) (local.get $b_lo)))))
            (local.set $m (f32.const -inf))
            (local.set $id (i32.const -1))
            (if (i32.and (i32.lt_s (local.get $a_lo) (local.get $a_hi)) (i32.lt_s (local.get $b_lo) (local.get $b_hi)))
              (then
                (local.set $id (i32.add (i32.mul (i32.add (local.get $h0) (i32.mul (local.get $a_lo) (local.get $dh))) (local.get $W))
                  (i32.add (local.get $w0) (i32.mul (local.get $b_lo) (local.get $dw)))))
                (local.set $m (f32.load (i32.add (local.get $xb) (i32.shl (local.get $id) (i32.const 2)))))
                (local.set $a (local.get $a_lo))
                (loop $over_a
                  (local.set $row (i32.add (i32.mul (i32.add (local.get $h0) (i32.mul (local.get $a) (local.get $dh))) (local.get $W)) (local.get $w0)))
                  (local.set $b (local.get $b_lo))
                  (loop $over_b
                    (local.set $pos (i32.add (local.get $row) (i32.mul (local.get $b) (local.get $dw))))
                    (local.set $v (f32.load (i32.add (local.get $xb) (i32.shl (local.get $pos) (i32.const 2)))))
                    ;; integer selects (conditional moves), not a branch: on real data which value wins is
                    ;; unpredictable, and V8 turns a float select into a branch
                    (local.set $take (i32.or (f32.gt (local.get $v) (local.get $m)) (f32.ne (local.get $v) (local.get $v))))
                    (local.set $m (f32.reinterpret_i32
                      (select (i32.reinterpret_f32 (local.get $v)) (i32.reinterpret_f32 (local.get $m)) (local.get $take))))
                    (local.set $id (select (local.get $pos) (local.get $id) (local.get $take)))
                    (br_if $over_b (i32.lt_s (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $b_hi))))
                  (br_if $over_a (i32.lt_s (local.tee $a (i32.add (local.get $a) (i32.const 1))) (local.get $a_hi))))))
            (f32.store (i32.add (local.get $out) (i32.shl (local.get $o) (i32.const 2))) (local.get $m))
            (f64.store (i32.add (local.get $idx) (i32.shl (local.get $o) (i32.const 3))) (f64.convert_i32_s (local.get $id)))
            (local.set $o (i32.add (local.get $o) (i32.const 1)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $over_j)))
          (br_if $over_i (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $Ho))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $over_p))))

  ;; Gradient of max pooling for planes [p0, p1): gx plane = 0, then each output gradient is added at
  ;; its recorded index, in output order.
  (func (export "max_pool2d_backward")
    (param $go i32) (param $idx i32) (param $gx i32) (param $p0 i32) (param $p1 i32) (param $HW i32) (param $L i32)
    (local $p i32) (local $i i32) (local $plane i32) (local $o i32) (local $id i32) (local $d i32)
    (local.set $p (local.get $p0))
    (block $done
      (loop $over_p
        (br_if $done (i32.ge_u (local.get $p) (local.get $p1)))
        (local.set $plane (i32.add (local.get $gx) (i32.shl (i32.mul (local.get $p) (local.get $HW)) (i32.const 2))))
        (call $zero_f32 (local.get $plane) (local.get $HW))
        (local.set $o (i32.mul (local.get $p) (local.get $L)))
        (local.set $i (i32.const 0))
        (block $plane_done
          (loop $over_i
            (br_if $plane_done (i32.ge_u (local.get $i) (local.get $L)))
            (local.set $id (i32.trunc_f64_s (f64.load (i32.add (local.get $idx) (i32.shl (local.get $o) (i32.const 3))))))
            (if (i32.ge_s (local.get $id) (i32.const 0))
              (then
                (local.set $d (i32.add (local.get $plane) (i32.shl (local.get $id) (i32.const 2))))
                (f32.store (local.get $d) (f32.add (f32.load (local.get $d))
                  (f32.load (i32.add (local.get $go) (i32.shl (local.get $o) (i32.const 2))))))))
            (local.set $o (i32.add (local.get $o) (i32.const 1)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $over_i)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $over_p))))

  ;; Bias gradient of a convolution: out[o] (float64) = sum over n and l of go[(n*O + o)*L + l], summed in
  ;; float64 (the js kernel's precision) four lanes at a time.
  (func (export "conv2d_backward_bias")
    (param $go i32) (param $N i32) (param $O i32) (param $L i32) (param $out i32)
    (local $o i32) (local $n i32) (local $p i32) (local $end i32) (local $vend i32) (local $v v128)
    (local $s0 v128) (local $s1 v128) (local $t f64)
    (block $done
      (loop $over_o
        (br_if $done (i32.ge_u (local.get $o) (local.get $O)))
        (local.set $s0 (v128.const i32x4 0 0 0 0))
        (local.set $s1 (v128.const i32x4 0 0 0 0))
        (local.set $t (f64.const 0))
        (local.set $n (i32.const 0))
        (block $samples_done
          (loop $over_n
            (br_if $samples_done (i32.ge_u (local.get $n) (local.get $N)))
            (local.set $p (i32.add (local.get $go)
              (i32.shl (i32.mul (i32.add (i32.mul (local.get $n) (local.get $O)) (local.get $o)) (local.get $L)) (i32.const 2))))
            (local.set $end (i32.add (local.get $p) (i32.shl (local.get $L) (i32.const 2))))
            (local.set $vend (i32.add (local.get $p) (i32.shl (i32.and (local.get $L) (i32.const -4)) (i32.const 2))))
            (block $vec_done
              (loop $vec
                (br_if $vec_done (i32.ge_u (local.get $p) (local.get $vend)))
                (local.set $v (v128.load (local.get $p)))
                (local.set $s0 (f64x2.add (local.get $s0) (f64x2.promote_low_f32x4 (local.get $v))))
                (local.set $s1 (f64x2.add (local.get $s1) (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
                (local.set $p (i32.add (local.get $p) (i32.const 16)))
                (br $vec)))
            (block $tail_done
              (loop $tail
                (br_if $tail_done (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $t (f64.add (local.get $t) (f64.promote_f32 (f32.load (local.get $p)))))
                (local.set $p (i32.add (local.get $p) (i32.const 4)))
                (br $tail)))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (br $over_n)))
        (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $o) (i32.const 3)))
          (f64.add (local.get $t) (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0)))))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $over_o))))
  ;; sigmoid and tanh of four float32 lanes, for the elementwise maps and the LSTM gates, on $exp_f32x4 (with
  ;; softmax, further down). The three are marked `@inline`: build_wasm.mjs writes their bodies in place of every
  ;; call, since V8 (Node 20) does not inline wasm calls and a call per vector costs as much as the exp. Each is
  ;; within 2 ulp of the correctly rounded float32 result over the whole float32 range, subnormal results
  ;; included; NaN gives NaN, exp(-inf) = 0, exp(inf) = inf, tanh(±0) = ±0, tanh(±inf) = ±1. Plain mul/add only
  ;; (no relaxed SIMD), so both builds of this module give the same bits.
  ;;
  ;; sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, e = exp(-|x|) <= 1: no overflow, and
  ;; large negative x get their (subnormal) value instead of 0.
  (func $sigmoid_f32x4 (param $x v128) (result v128) ;; @inline
    (local $e v128) (local $s v128)
    (local.set $e (call $exp_f32x4 (f32x4.neg (f32x4.abs (local.get $x)))))
    (local.set $s (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (local.get $e) (v128.const f32x4 1 1 1 1))))
    (v128.bitselect (f32x4.mul (local.get $e) (local.get $s)) (local.get $s) (f32x4.lt (local.get $x) (v128.const f32x4 0 0 0 0))))

  ;; tanh(x) on a = |x| with x's sign put back (so tanh(-0) = -0): below 0.625, a + a s P(s) with s = a^2
  ;; (Cephes tanhf's minimax polynomial); above, 1 - 2 / (exp(2a) + 1), which loses no precision there.
  (func $tanh_f32x4 (param $x v128) (result v128) ;; @inline
    (local $a v128) (local $s v128) (local $p v128) (local $big v128)
    (local.set $a (f32x4.abs (local.get $x)))
    (local.set $s (f32x4.mul (local.get $a) (local.get $a)))
    (local.set $p (v128.const f32x4 -5.70498872745e-3 -5.70498872745e-3 -5.70498872745e-3 -5.70498872745e-3))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $s)) (v128.const f32x4 2.06390887954e-2 2.06390887954e-2 2.06390887954e-2 2.06390887954e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $s)) (v128.const f32x4 -5.37397155531e-2 -5.37397155531e-2 -5.37397155531e-2 -5.37397155531e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $s)) (v128.const f32x4 1.33314422036e-1 1.33314422036e-1 1.33314422036e-1 1.33314422036e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $s)) (v128.const f32x4 -3.33332819422e-1 -3.33332819422e-1 -3.33332819422e-1 -3.33332819422e-1)))
    (local.set $p (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $s)) (local.get $a)) (local.get $a)))
    (local.set $big (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.div (v128.const f32x4 2 2 2 2)
      (f32x4.add (call $exp_f32x4 (f32x4.add (local.get $a) (local.get $a))) (v128.const f32x4 1 1 1 1)))))
    (v128.or
      (v128.bitselect (local.get $p) (local.get $big) (f32x4.lt (local.get $a) (v128.const f32x4 0.625 0.625 0.625 0.625)))
      (v128.and (local.get $x) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))))

  ;; Elementwise float32 maps of n floats (n a multiple of 4: the host pads its chunks), out = op(x) with the
  ;; scalar a. op: 0 relu (max(x, 0): NaN stays NaN, -0 and -inf give +0), 1 neg, 2 x + a, 3 x - a, 4 a - x,
  ;; 5 x * a. The op is picked per vector by a br_table the branch predictor learns at once; the loop is
  ;; memory-bound.
  (func (export "map_unary_f32")
    (param $op i32) (param $x i32) (param $out i32) (param $n i32) (param $a f32)
    (local $end i32) (local $av v128) (local $v v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $av (f32x4.splat (local.get $a)))
    (block $all_done
      (loop $over_x
        (br_if $all_done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v (v128.load (local.get $x)))
        (block $done
          (block $mul_s
            (block $rsub_s
              (block $sub_s
                (block $add_s
                  (block $neg
                    (block $relu
                      (br_table $relu $neg $add_s $sub_s $rsub_s $mul_s (local.get $op)))
                    (local.set $v (f32x4.max (local.get $v) (v128.const f32x4 0 0 0 0)))
                    (br $done))
                  (local.set $v (f32x4.neg (local.get $v)))
                  (br $done))
                (local.set $v (f32x4.add (local.get $v) (local.get $av)))
                (br $done))
              (local.set $v (f32x4.sub (local.get $v) (local.get $av)))
              (br $done))
            (local.set $v (f32x4.sub (local.get $av) (local.get $v)))
            (br $done))
          (local.set $v (f32x4.mul (local.get $v) (local.get $av))))
        (v128.store (local.get $out) (local.get $v))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $over_x))))

  ;; out = op(x) over n floats (a multiple of 4), op 0 exp, 1 sigmoid, 2 tanh: a loop of its own per op, since
  ;; with the inlined bodies behind one br_table per vector V8 allocates registers for all of them at once.
  (func (export "map_transcendental_f32")
    (param $op i32) (param $x i32) (param $out i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (if (i32.ge_u (local.get $x) (local.get $end)) (then (return)))
    (block $tanh
      (block $sigmoid
        (block $exp
          (br_table $exp $sigmoid $tanh (local.get $op)))
        (loop $over_x
          (v128.store (local.get $out) (call $exp_f32x4 (v128.load (local.get $x))))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (br_if $over_x (i32.lt_u (local.get $x) (local.get $end))))
        (return))
      (loop $over_x
        (v128.store (local.get $out) (call $sigmoid_f32x4 (v128.load (local.get $x))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br_if $over_x (i32.lt_u (local.get $x) (local.get $end))))
      (return))
    (loop $over_x
      (v128.store (local.get $out) (call $tanh_f32x4 (v128.load (local.get $x))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br_if $over_x (i32.lt_u (local.get $x) (local.get $end)))))

  ;; One LSTM step's gates and cell update for `rows` rows of the batch (H a multiple of 4): row r's
  ;; pre-activations at acts + r*4H (input, forget, cell, output gates, H each, in PyTorch's order) become
  ;; i = sigmoid, f = sigmoid, g = tanh, o = sigmoid in place; c = f c_prev + i g, tanh(c) and h = o tanh(c)
  ;; go to cells, tanh_c and h, and c_prev is read, at r*H ([rows, H] arrays).
  (func (export "lstm_gates_f32")
    (param $acts i32) (param $c_prev i32) (param $cells i32) (param $tanh_c i32) (param $h i32) (param $rows i32) (param $H i32)
    (local $hb i32) (local $r i32) (local $j i32) (local $p i32) (local $q i32)
    (local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $c v128) (local $t v128)
    (local.set $hb (i32.shl (local.get $H) (i32.const 2)))
    (if (i32.or (i32.eqz (local.get $rows)) (i32.eqz (local.get $H))) (then (return)))
    (loop $over_rows
      (local.set $j (i32.const 0))
      (loop $over_j
        (local.set $p (i32.add (local.get $acts) (local.get $j)))
        (local.set $q (local.get $j))
        (local.set $i (call $sigmoid_f32x4 (v128.load (local.get $p))))
        (local.set $f (call $sigmoid_f32x4 (v128.load (i32.add (local.get $p) (local.get $hb)))))
        (local.set $g (call $tanh_f32x4 (v128.load (i32.add (local.get $p) (i32.shl (local.get $hb) (i32.const 1))))))
        (local.set $o (call $sigmoid_f32x4 (v128.load (i32.add (local.get $p) (i32.mul (local.get $hb) (i32.const 3))))))
        (v128.store (local.get $p) (local.get $i))
        (v128.store (i32.add (local.get $p) (local.get $hb)) (local.get $f))
        (v128.store (i32.add (local.get $p) (i32.shl (local.get $hb) (i32.const 1))) (local.get $g))
        (v128.store (i32.add (local.get $p) (i32.mul (local.get $hb) (i32.const 3))) (local.get $o))
        (local.set $c (f32x4.add (f32x4.mul (local.get $f) (v128.load (i32.add (local.get $c_prev) (local.get $q))))
          (f32x4.mul (local.get $i) (local.get $g))))
        (v128.store (i32.add (local.get $cells) (local.get $q)) (local.get $c))
        (local.set $t (call $tanh_f32x4 (local.get $c)))
        (v128.store (i32.add (local.get $tanh_c) (local.get $q)) (local.get $t))
        (v128.store (i32.add (local.get $h) (local.get $q)) (f32x4.mul (local.get $o) (local.get $t)))
        (br_if $over_j (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $hb))))
      (local.set $acts (i32.add (local.get $acts) (i32.shl (local.get $hb) (i32.const 2))))
      (local.set $c_prev (i32.add (local.get $c_prev) (local.get $hb)))
      (local.set $cells (i32.add (local.get $cells) (local.get $hb)))
      (local.set $tanh_c (i32.add (local.get $tanh_c) (local.get $hb)))
      (local.set $h (i32.add (local.get $h) (local.get $hb)))
      (br_if $over_rows (local.tee $rows (i32.sub (local.get $rows) (i32.const 1))))))

  ;; The gradients of lstm_gates_f32 for `rows` rows (H a multiple of 4), row r's values at r*4H (acts: the
  ;; activated gates i, f, g, o; d_gates) or r*H (the rest): with dh' = dh + gy (gy = -1: none) and
  ;; dc' = dc + dh' o (1 - tanh_c^2), the pre-activation gradients d_i = dc' g i (1 - i), d_f = dc' c_prev f (1 - f),
  ;; d_g = dc' i (1 - g^2), d_o = dh' tanh_c o (1 - o) go to d_gates, and dc becomes dc' f (the previous step's).
  (func (export "lstm_gates_backward_f32")
    (param $acts i32) (param $tanh_c i32) (param $c_prev i32) (param $dh i32) (param $gy i32) (param $dc i32) (param $d_gates i32)
    (param $rows i32) (param $H i32)
    (local $hb i32) (local $j i32) (local $p i32) (local $q i32)
    (local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $t v128) (local $dhv v128) (local $dcv v128)
    (local.set $hb (i32.shl (local.get $H) (i32.const 2)))
    (if (i32.or (i32.eqz (local.get $rows)) (i32.eqz (local.get $H))) (then (return)))
    (loop $over_rows
      (local.set $j (i32.const 0))
      (loop $over_j
        (local.set $p (i32.add (local.get $acts) (local.get $j)))
        (local.set $q (i32.add (local.get $d_gates) (local.get $j)))
        (local.set $i (v128.load (local.get $p)))
        (local.set $f (v128.load (i32.add (local.get $p) (local.get $hb))))
        (local.set $g (v128.load (i32.add (local.get $p) (i32.shl (local.get $hb) (i32.const 1)))))
        (local.set $o (v128.load (i32.add (local.get $p) (i32.mul (local.get $hb) (i32.const 3)))))
        (local.set $t (v128.load (i32.add (local.get $tanh_c) (local.get $j))))
        (local.set $dhv (v128.load (i32.add (local.get $dh) (local.get $j))))
        (if (i32.ge_s (local.get $gy) (i32.const 0))
          (then (local.set $dhv (f32x4.add (local.get $dhv) (v128.load (i32.add (local.get $gy) (local.get $j)))))))
        (local.set $dcv (f32x4.add (v128.load (i32.add (local.get $dc) (local.get $j)))
          (f32x4.mul (f32x4.mul (local.get $dhv) (local.get $o))
            (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $t) (local.get $t))))))
        (v128.store (local.get $q) (f32x4.mul (f32x4.mul (local.get $dcv) (local.get $g))
          (f32x4.mul (local.get $i) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $i)))))
        (v128.store (i32.add (local.get $q) (local.get $hb)) (f32x4.mul (f32x4.mul (local.get $dcv) (v128.load (i32.add (local.get $c_prev) (local.get $j))))
          (f32x4.mul (local.get $f) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $f)))))
        (v128.store (i32.add (local.get $q) (i32.shl (local.get $hb) (i32.const 1))) (f32x4.mul (f32x4.mul (local.get $dcv) (local.get $i))
          (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $g) (local.get $g)))))
        (v128.store (i32.add (local.get $q) (i32.mul (local.get $hb) (i32.const 3))) (f32x4.mul (f32x4.mul (local.get $dhv) (local.get $t))
          (f32x4.mul (local.get $o) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $o)))))
        (v128.store (i32.add (local.get $dc) (local.get $j)) (f32x4.mul (local.get $dcv) (local.get $f)))
        (br_if $over_j (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $hb))))
      (local.set $acts (i32.add (local.get $acts) (i32.shl (local.get $hb) (i32.const 2))))
      (local.set $d_gates (i32.add (local.get $d_gates) (i32.shl (local.get $hb) (i32.const 2))))
      (local.set $tanh_c (i32.add (local.get $tanh_c) (local.get $hb)))
      (local.set $c_prev (i32.add (local.get $c_prev) (local.get $hb)))
      (local.set $dh (i32.add (local.get $dh) (local.get $hb)))
      (if (i32.ge_s (local.get $gy) (i32.const 0)) (then (local.set $gy (i32.add (local.get $gy) (local.get $hb)))))
      (local.set $dc (i32.add (local.get $dc) (local.get $hb)))
      (br_if $over_rows (local.tee $rows (i32.sub (local.get $rows) (i32.const 1))))))

  ;; out = op(x, y) over n floats (a multiple of 4). op: 0 x + y, 1 x - y, 2 x * y, 3 x / y, 4 x * (y > 0)
  ;; (the ReLU gradient: x times exactly 1 or 0, as the js kernel computes it).
  (func (export "map_binary_f32")
    (param $op i32) (param $x i32) (param $y i32) (param $out i32) (param $n i32)
    (local $end i32) (local $v v128) (local $w v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $all_done
      (loop $over_x
        (br_if $all_done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v (v128.load (local.get $x)))
        (local.set $w (v128.load (local.get $y)))
        (block $done
          (block $relu_mask
            (block $div
              (block $mul
                (block $sub
                  (block $add
                    (br_table $add $sub $mul $div $relu_mask (local.get $op)))
                  (local.set $v (f32x4.add (local.get $v) (local.get $w)))
                  (br $done))
                (local.set $v (f32x4.sub (local.get $v) (local.get $w)))
                (br $done))
              (local.set $v (f32x4.mul (local.get $v) (local.get $w)))
              (br $done))
            (local.set $v (f32x4.div (local.get $v) (local.get $w)))
            (br $done))
          (local.set $v (f32x4.mul (local.get $v)
            (v128.and (f32x4.gt (local.get $w) (v128.const f32x4 0 0 0 0)) (v128.const f32x4 1 1 1 1)))))
        (v128.store (local.get $out) (local.get $v))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $over_x))))

  ;; The unfolded input's rows [k0, k0+kb) and columns [j0, j0+nb) (as `im2col` defines them) written straight
  ;; into pack_b's layout at dst: dst[(t/8)*kb*8 + k*8 + q] = col[k0 + k, j0 + t + q], columns past nb as zeros.
  ;; Columns may run on across samples: column j is pixel j mod Ho*Wo of sample j / (Ho*Wo), whose input starts
  ;; $xs bytes after the previous sample's (a batch unfolded side by side). Rows are walked a kernel row (fixed c, a; b running) at a time. Eight columns in one output row at stride
  ;; 1 whose taps all fall inside the image are two vector loads; any other panel (row ends, padding, strides)
  ;; is gathered one element at a time.
  (func $im2col_packed (export "im2col_packed")
    (param $x i32) (param $H i32) (param $W i32) (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32)
    (param $ph i32) (param $pw i32) (param $dh i32) (param $dw i32) (param $Wo i32)
    (param $k0 i32) (param $kb i32) (param $j0 i32) (param $nb i32) (param $dst i32) (param $Ho i32) (param $xs i32)
    (local $t i32) (local $d i32) (local $cols i32) (local $oh0 i32) (local $ow0 i32) (local $inrow i32)
    (local $L i32) (local $n i32) (local $xn i32) (local $xq i32) (local $lanes v128) (local $width v128)
    (local $k i32) (local $c i32) (local $a i32) (local $b i32) (local $h i32) (local $w i32) (local $s i32)
    (local $q i32) (local $oh i32) (local $ow i32) (local $hh i32) (local $ww i32) (local $khkw i32)
    (local $run_end i32) (local $row i32) (local $row_ok i32) (local $w_lim i32)
    (local.set $khkw (i32.mul (local.get $kh) (local.get $kw)))
    (local.set $w_lim (i32.sub (local.get $W) (i32.const 8)))
    (local.set $L (i32.mul (local.get $Ho) (local.get $Wo)))
    (local.set $width (i32x4.splat (local.get $W)))
    (local.set $d (local.get $dst))
    (local.set $t (i32.const 0))
    (loop $panels
      (local.set $cols (i32.sub (local.get $nb) (local.get $t)))
      ;; the panel's first column: sample n, output pixel (oh0, ow0)
      (local.set $n (i32.div_u (i32.add (local.get $j0) (local.get $t)) (local.get $L)))
      (local.set $xn (i32.add (local.get $x) (i32.mul (local.get $n) (local.get $xs))))
      (local.set $oh0 (i32.sub (i32.add (local.get $j0) (local.get $t)) (i32.mul (local.get $n) (local.get $L))))
      (local.set $ow0 (i32.rem_u (local.get $oh0) (local.get $Wo)))
      (local.set $oh0 (i32.div_u (local.get $oh0) (local.get $Wo)))
      (local.set $inrow (i32.and (i32.and (i32.ge_s (local.get $cols) (i32.const 8)) (i32.le_s (i32.add (local.get $ow0) (i32.const 8)) (local.get $Wo)))
        (i32.eq (local.get $sw) (i32.const 1))))
      ;; the tap (c, a, b) of row k0
      (local.set $c (i32.div_u (local.get $k0) (local.get $khkw)))
      (local.set $a (i32.div_u (i32.rem_u (local.get $k0) (local.get $khkw)) (local.get $kw)))
      (local.set $b (i32.rem_u (local.get $k0) (local.get $kw)))
      (local.set $k (i32.const 0))
      (loop $kernel_rows
        ;; taps b.. of kernel row (c, a), as many as remain of kb
        (local.set $run_end (i32.add (local.get $k) (i32.sub (local.get $kw) (local.get $b))))
        (if (i32.gt_u (local.get $run_end) (local.get $kb)) (then (local.set $run_end (local.get $kb))))
        (local.set $h (i32.add (i32.sub (i32.mul (local.get $oh0) (local.get $sh)) (local.get $ph)) (i32.mul (local.get $a) (local.get $dh))))
        (local.set $row_ok (i32.and (local.get $inrow) (i32.lt_u (local.get $h) (local.get $H))))
        (local.set $row (i32.add (local.get $xn) (i32.shl (i32.mul (i32.add (i32.mul (local.get $c) (local.get $H)) (local.get $h)) (local.get $W)) (i32.const 2))))
        (local.set $w (i32.add (i32.sub (i32.mul (local.get $ow0) (local.get $sw)) (local.get $pw)) (i32.mul (local.get $b) (local.get $dw))))
        (loop $taps
          (if (i32.and (local.get $row_ok) (i32.and (i32.ge_s (local.get $w) (i32.const 0)) (i32.le_s (local.get $w) (local.get $w_lim))))
            (then
              (local.set $s (i32.add (local.get $row) (i32.shl (local.get $w) (i32.const 2))))
              (v128.store (local.get $d) (v128.load (local.get $s)))
              (v128.store offset=16 (local.get $d) (v128.load offset=16 (local.get $s))))
            (else (if (local.get $inrow) (then
              ;; eight pixels of one output row whose taps run over an edge: the input row's vectors with the
              ;; lanes outside it zeroed (reading at most 7 floats past either end, always inside the memory:
              ;; the arena holds the job words before x and more buffers after it), or zeros
              (if (i32.and (local.get $row_ok) (i32.and (i32.gt_s (local.get $w) (i32.const -8)) (i32.lt_s (local.get $w) (local.get $W))))
                (then
                  (local.set $s (i32.add (local.get $row) (i32.shl (local.get $w) (i32.const 2))))
                  (local.set $lanes (i32x4.add (i32x4.splat (local.get $w)) (v128.const i32x4 0 1 2 3)))
                  (v128.store (local.get $d) (v128.and (v128.load (local.get $s))
                    (v128.and (i32x4.ge_s (local.get $lanes) (v128.const i32x4 0 0 0 0)) (i32x4.lt_s (local.get $lanes) (local.get $width)))))
                  (local.set $lanes (i32x4.add (local.get $lanes) (v128.const i32x4 4 4 4 4)))
                  (v128.store offset=16 (local.get $d) (v128.and (v128.load offset=16 (local.get $s))
                    (v128.and (i32x4.ge_s (local.get $lanes) (v128.const i32x4 0 0 0 0)) (i32x4.lt_s (local.get $lanes) (local.get $width))))))
                (else
                  (v128.store (local.get $d) (v128.const i32x4 0 0 0 0))
                  (v128.store offset=16 (local.get $d) (v128.const i32x4 0 0 0 0)))))
            (else
              (local.set $oh (local.get $oh0))
              (local.set $ow (local.get $ow0))
              (local.set $xq (local.get $xn))
              (local.set $q (i32.const 0))
              (loop $over_q
                (local.set $hh (i32.add (i32.sub (i32.mul (local.get $oh) (local.get $sh)) (local.get $ph)) (i32.mul (local.get $a) (local.get $dh))))
                (local.set $ww (i32.add (i32.sub (i32.mul (local.get $ow) (local.get $sw)) (local.get $pw)) (i32.mul (local.get $b) (local.get $dw))))
                (f32.store (i32.add (local.get $d) (i32.shl (local.get $q) (i32.const 2)))
                  (if (result f32) (i32.and (i32.lt_s (local.get $q) (local.get $cols))
                        (i32.and (i32.lt_u (local.get $hh) (local.get $H)) (i32.lt_u (local.get $ww) (local.get $W))))
                    (then (f32.load (i32.add (local.get $xq)
                      (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $c) (local.get $H)) (local.get $hh)) (local.get $W)) (local.get $ww)) (i32.const 2)))))
                    (else (f32.const 0))))
                (if (i32.eq (local.tee $ow (i32.add (local.get $ow) (i32.const 1))) (local.get $Wo))
                  (then (local.set $ow (i32.const 0)) (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
                    ;; past the last output row: the next sample's first pixel
                    (if (i32.eq (local.get $oh) (local.get $Ho))
                      (then (local.set $oh (i32.const 0)) (local.set $xq (i32.add (local.get $xq) (local.get $xs)))))))
                (br_if $over_q (i32.lt_u (local.tee $q (i32.add (local.get $q) (i32.const 1))) (i32.const 8))))))))
          (local.set $d (i32.add (local.get $d) (i32.const 32)))
          (local.set $w (i32.add (local.get $w) (local.get $dw)))
          (local.set $b (i32.add (local.get $b) (i32.const 1)))
          (br_if $taps (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $run_end))))
        ;; next kernel row: a, then c
        (local.set $b (i32.const 0))
        (if (i32.eq (local.tee $a (i32.add (local.get $a) (i32.const 1))) (local.get $kh))
          (then (local.set $a (i32.const 0)) (local.set $c (i32.add (local.get $c) (i32.const 1)))))
        (br_if $kernel_rows (i32.lt_u (local.get $k) (local.get $kb))))
      (br_if $panels (i32.lt_s (local.tee $t (i32.add (local.get $t) (i32.const 8))) (local.get $nb)))))

  ;; C[4 x 8] += A B over k < kc, ldc bytes between C's rows: B is a packed 8-column panel (8 floats per k)
  ;; and A is read in place, A[i, k] = the float at $x + tap_i + pix[k] (bytes), tap_i the i-th of the four
  ;; offsets at $taps and pix[k] the k-th at $pix: a convolution's input under tap i at output pixel k, in a
  ;; zero-padded copy of the input, so every read is inside it. Sums each element's kc products in k order.
  (func $gemm_f32_4x8_taps
    (param $x i32) (param $taps i32) (param $pix i32) (param $b i32) (param $c i32) (param $ldc i32) (param $kc i32)
    (local $t0 i32) (local $t1 i32) (local $t2 i32) (local $t3 i32) (local $xp i32) (local $k i32)
    (local $b0 v128) (local $b1 v128) (local $v v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $t0 (i32.add (local.get $x) (i32.load (local.get $taps))))
    (local.set $t1 (i32.add (local.get $x) (i32.load offset=4 (local.get $taps))))
    (local.set $t2 (i32.add (local.get $x) (i32.load offset=8 (local.get $taps))))
    (local.set $t3 (i32.add (local.get $x) (i32.load offset=12 (local.get $taps))))
    (local.set $k (local.get $kc))
    (loop $over_k
      (local.set $xp (i32.load (local.get $pix)))
      (local.set $b0 (v128.load (local.get $b)))
      (local.set $b1 (v128.load offset=16 (local.get $b)))
      (local.set $v (v128.load32_splat (i32.add (local.get $t0) (local.get $xp))))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $v) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $v) (local.get $b1))))
      (local.set $v (v128.load32_splat (i32.add (local.get $t1) (local.get $xp))))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $v) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $v) (local.get $b1))))
      (local.set $v (v128.load32_splat (i32.add (local.get $t2) (local.get $xp))))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $v) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $v) (local.get $b1))))
      (local.set $v (v128.load32_splat (i32.add (local.get $t3) (local.get $xp))))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $v) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $v) (local.get $b1))))
      (local.set $pix (i32.add (local.get $pix) (i32.const 4)))
      (local.set $b (i32.add (local.get $b) (i32.const 32)))
      (br_if $over_k (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
    (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c00)))
    (v128.store offset=16 (local.get $c) (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c01)))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c10)))
    (v128.store offset=16 (local.get $c) (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c11)))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c20)))
    (v128.store offset=16 (local.get $c) (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c21)))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c30)))
    (v128.store offset=16 (local.get $c) (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c31))))

  ;; A convolution's transposed weight gradient without unfolding its input, for the tap rows [r0, r1) (whole
  ;; groups of 4) and all $panels 8-column panels of the output channels: gwt[r, o] += sum over samples q < ns,
  ;; in order, and output pixels k < L of x_q[tap r at pixel k] * go_q[o, k]. x_q (sample q's input, zero-padded
  ;; when the convolution pads) is $xs bytes after x_{q-1}; taps holds every row's byte offset in it (rows past
  ;; the last repeat a valid one), pix every output pixel's; b_q (go_q^T packed as B panels, L rows) is $bs bytes
  ;; after b_{q-1}; gwt's rows are $ldc bytes apart.
  (func (export "conv_weight_taps")
    (param $x i32) (param $xs i32) (param $ns i32) (param $taps i32) (param $r0 i32) (param $r1 i32) (param $pix i32)
    (param $L i32) (param $b i32) (param $bs i32) (param $panels i32) (param $gwt i32) (param $ldc i32)
    (local $r i32) (local $q i32) (local $n i32) (local $row i32)
    (block $samples_done
      (loop $over_n
        (br_if $samples_done (i32.ge_u (local.get $n) (local.get $ns)))
        (local.set $r (local.get $r0))
        (block $done
          (loop $over_r
            (br_if $done (i32.ge_u (local.get $r) (local.get $r1)))
            (local.set $row (i32.add (local.get $gwt) (i32.mul (local.get $r) (local.get $ldc))))
            (local.set $q (i32.const 0))
            (block $panels_done
              (loop $over_q
                (br_if $panels_done (i32.ge_u (local.get $q) (local.get $panels)))
                (call $gemm_f32_4x8_taps (local.get $x) (i32.add (local.get $taps) (i32.shl (local.get $r) (i32.const 2))) (local.get $pix)
                  (i32.add (local.get $b) (i32.shl (i32.mul (local.get $q) (local.get $L)) (i32.const 5)))
                  (i32.add (local.get $row) (i32.shl (local.get $q) (i32.const 5))) (local.get $ldc) (local.get $L))
                (local.set $q (i32.add (local.get $q) (i32.const 1)))
                (br $over_q)))
            (local.set $r (i32.add (local.get $r) (i32.const 4)))
            (br $over_r)))
        (local.set $x (i32.add (local.get $x) (local.get $xs)))
        (local.set $b (i32.add (local.get $b) (local.get $bs)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $over_n))))

  ;; Copies $planes H x W planes at $src into the interiors of Hp x Wp planes at $dst, ph rows and pw columns in
  ;; from their top left corners (a zero-padded input; the borders are left as they are).
  (func (export "pad_planes")
    (param $src i32) (param $planes i32) (param $H i32) (param $W i32) (param $dst i32) (param $Hp i32) (param $Wp i32)
    (param $ph i32) (param $pw i32)
    (local $p i32) (local $h i32) (local $d i32)
    (block $done
      (loop $over_p
        (br_if $done (i32.ge_u (local.get $p) (local.get $planes)))
        (local.set $d (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $p) (local.get $Hp)) (local.get $ph)) (local.get $Wp))
          (local.get $pw)) (i32.const 2))))
        (local.set $h (i32.const 0))
        (block $rows_done
          (loop $over_h
            (br_if $rows_done (i32.ge_u (local.get $h) (local.get $H)))
            (call $copy_f32 (local.get $d) (local.get $src) (local.get $W))
            (local.set $src (i32.add (local.get $src) (i32.shl (local.get $W) (i32.const 2))))
            (local.set $d (i32.add (local.get $d) (i32.shl (local.get $Wp) (i32.const 2))))
            (local.set $h (i32.add (local.get $h) (i32.const 1)))
            (br $over_h)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $over_p))))

  ;; Output pixels' byte offsets from pixel (0, 0)'s first tap in an input W floats wide:
  ;; dst[oh*Wo + ow] = (oh*sh*W + ow*sw) * 4.
  (func (export "pixel_offsets")
    (param $dst i32) (param $Ho i32) (param $Wo i32) (param $W i32) (param $sh i32) (param $sw i32)
    (local $oh i32) (local $ow i32)
    (block $done
      (loop $over_oh
        (br_if $done (i32.ge_u (local.get $oh) (local.get $Ho)))
        (local.set $ow (i32.const 0))
        (block $row_done
          (loop $over_ow
            (br_if $row_done (i32.ge_u (local.get $ow) (local.get $Wo)))
            (i32.store (local.get $dst) (i32.shl (i32.add (i32.mul (i32.mul (local.get $oh) (local.get $sh)) (local.get $W))
              (i32.mul (local.get $ow) (local.get $sw))) (i32.const 2)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
            (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
            (br $over_ow)))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br $over_oh))))

  ;; Byte offsets of a stride-1 convolution's taps from the input position of tap (0, 0, 0), in im2col's row
  ;; order: dst[(c*kh + a)*kw + b] = ((c*H + a*dh)*W + b*dw) * 4.
  (func (export "tap_offsets")
    (param $dst i32) (param $cg i32) (param $H i32) (param $W i32) (param $kh i32) (param $kw i32) (param $dh i32) (param $dw i32)
    (local $c i32) (local $a i32) (local $b i32)
    (block $done
      (loop $over_c
        (br_if $done (i32.ge_u (local.get $c) (local.get $cg)))
        (local.set $a (i32.const 0))
        (loop $over_a
          (local.set $b (i32.const 0))
          (loop $over_b
            (i32.store (local.get $dst) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $c) (local.get $H))
              (i32.mul (local.get $a) (local.get $dh))) (local.get $W)) (i32.mul (local.get $b) (local.get $dw))) (i32.const 2)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
            (br_if $over_b (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $kw))))
          (br_if $over_a (i32.lt_u (local.tee $a (i32.add (local.get $a) (i32.const 1))) (local.get $kh))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $over_c))))

  ;; gemm_f32_4x8 for a single 8-column panel of B read in place: row k of the panel is the 8 floats at
  ;; $xb + offs[k] (bytes), which for a stride-1 convolution are eight adjacent input pixels under tap k.
  ;; Same register tile and the same k-order sums as the packed kernel, so results are bit-identical.
  (func $gemm_f32_4x8_indirect
    (param $a i32) (param $xb i32) (param $offs i32) (param $c i32) (param $m_tiles i32) (param $kc i32)
    (param $ldc i32) (param $last_rows i32)
    (local $rows i32) (local $ir i32) (local $k i32) (local $ap i32) (local $op i32) (local $bp i32) (local $cp i32)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $ir (i32.const 0))
    (local.set $ap (local.get $a))
    (local.set $cp (local.get $c))
    (loop $over_m
      (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
      (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
      (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
      (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
      (local.set $op (local.get $offs))
      (local.set $k (local.get $kc))
      (loop $over_k
        (local.set $bp (i32.add (local.get $xb) (i32.load (local.get $op))))
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
        (local.set $op (i32.add (local.get $op) (i32.const 4)))
        (br_if $over_k (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
      (local.set $rows (select (local.get $last_rows) (i32.const 4)
        (i32.eq (i32.add (local.get $ir) (i32.const 1)) (local.get $m_tiles))))
      (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (local.get $c00)))
      (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c01)))
      (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
      (if (i32.gt_u (local.get $rows) (i32.const 1)) (then
        (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (local.get $c10)))
        (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c11)))))
      (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
      (if (i32.gt_u (local.get $rows) (i32.const 2)) (then
        (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (local.get $c20)))
        (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c21)))))
      (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
      (if (i32.gt_u (local.get $rows) (i32.const 3)) (then
        (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (local.get $c30)))
        (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c31)))))
      (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
      (br_if $over_m (i32.lt_u (local.tee $ir (i32.add (local.get $ir) (i32.const 1))) (local.get $m_tiles)))))

  ;; out[og x L] += A[og x ckk] (packed, one k block: ckk <= KC) times the unfolded input of one sample and
  ;; group of a stride-1 convolution, eight output columns at a time: a panel of eight pixels in one output
  ;; row whose taps all lie inside the image is read in place through the tap offsets (no unfolding); any
  ;; other panel is unfolded into $bpack and multiplied by gemm_block. Bit-identical to im2col_packed followed
  ;; by gemm_block over the whole width.
  (func (export "conv_forward_direct")
    (param $a i32) (param $x i32) (param $offs i32) (param $out i32) (param $og i32) (param $ckk i32)
    (param $H i32) (param $W i32) (param $kh i32) (param $kw i32) (param $ph i32) (param $pw i32) (param $dh i32) (param $dw i32)
    (param $Ho i32) (param $Wo i32) (param $bpack i32) (param $tmp i32)
    (local $L i32) (local $j i32) (local $oh0 i32) (local $ow0 i32) (local $hs i32) (local $ws i32) (local $nb i32)
    (local $mt i32) (local $last i32) (local $h_span i32) (local $w_span i32)
    (local.set $L (i32.mul (local.get $Ho) (local.get $Wo)))
    (local.set $mt (i32.shr_u (i32.add (local.get $og) (i32.const 3)) (i32.const 2)))
    (local.set $last (i32.sub (local.get $og) (i32.shl (i32.sub (local.get $mt) (i32.const 1)) (i32.const 2))))
    ;; rows and columns of input a panel's taps reach below and right of its first tap
    (local.set $h_span (i32.mul (i32.sub (local.get $kh) (i32.const 1)) (local.get $dh)))
    (local.set $w_span (i32.add (i32.mul (i32.sub (local.get $kw) (i32.const 1)) (local.get $dw)) (i32.const 8)))
    (block $done
      (loop $panels
        (br_if $done (i32.ge_u (local.get $j) (local.get $L)))
        (local.set $oh0 (i32.div_u (local.get $j) (local.get $Wo)))
        (local.set $ow0 (i32.rem_u (local.get $j) (local.get $Wo)))
        (local.set $hs (i32.sub (local.get $oh0) (local.get $ph)))
        (local.set $ws (i32.sub (local.get $ow0) (local.get $pw)))
        (local.set $nb (i32.sub (local.get $L) (local.get $j)))
        (if (i32.gt_u (local.get $nb) (i32.const 8)) (then (local.set $nb (i32.const 8))))
        (if (i32.and
              (i32.and (i32.eq (local.get $nb) (i32.const 8)) (i32.le_s (i32.add (local.get $ow0) (i32.const 8)) (local.get $Wo)))
              (i32.and
                (i32.and (i32.ge_s (local.get $hs) (i32.const 0)) (i32.lt_s (i32.add (local.get $hs) (local.get $h_span)) (local.get $H)))
                (i32.and (i32.ge_s (local.get $ws) (i32.const 0)) (i32.le_s (i32.add (local.get $ws) (local.get $w_span)) (local.get $W)))))
          (then
            (call $gemm_f32_4x8_indirect (local.get $a)
              (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $hs) (local.get $W)) (local.get $ws)) (i32.const 2)))
              (local.get $offs) (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2)))
              (local.get $mt) (local.get $ckk) (i32.shl (local.get $L) (i32.const 2)) (local.get $last)))
          (else
            (call $im2col_packed (local.get $x) (local.get $H) (local.get $W) (local.get $kh) (local.get $kw) (i32.const 1) (i32.const 1)
              (local.get $ph) (local.get $pw) (local.get $dh) (local.get $dw) (local.get $Wo) (i32.const 0) (local.get $ckk)
              (local.get $j) (local.get $nb) (local.get $bpack) (local.get $Ho) (i32.const 0))
            (call $gemm_block (local.get $a) (local.get $bpack) (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2)))
              (local.get $og) (local.get $nb) (local.get $ckk) (i32.shl (local.get $L) (i32.const 2)) (local.get $tmp) (i32.const 0))))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $panels))))

  ;; Average pooling of planes [p0, p1): out = (sum of the window in float64, row by row) / div, rounded once to
  ;; float32, the js kernel's arithmetic. $tab holds the window bounds as i32: hs[Ho], he[Ho], ws[Wo], we[Wo];
  ;; $div the float64 divisor of every output position.
  (func (export "avg_pool2d")
    (param $x i32) (param $out i32) (param $p0 i32) (param $p1 i32) (param $H i32) (param $W i32) (param $Ho i32)
    (param $Wo i32) (param $tab i32) (param $div i32)
    (local $p i32) (local $i i32) (local $j i32) (local $h i32) (local $w i32) (local $xb i32) (local $o i32)
    (local $h_hi i32) (local $w_lo i32) (local $w_hi i32) (local $row i32) (local $s f64) (local $ws i32) (local $we i32)
    (local.set $ws (i32.add (local.get $tab) (i32.shl (local.get $Ho) (i32.const 3))))
    (local.set $we (i32.add (local.get $ws) (i32.shl (local.get $Wo) (i32.const 2))))
    (local.set $p (local.get $p0))
    (local.set $o (i32.add (local.get $out) (i32.shl (i32.mul (local.get $p0) (i32.mul (local.get $Ho) (local.get $Wo))) (i32.const 2))))
    (block $done
      (loop $over_p
        (br_if $done (i32.ge_u (local.get $p) (local.get $p1)))
        (local.set $xb (i32.add (local.get $x) (i32.shl (i32.mul (local.get $p) (i32.mul (local.get $H) (local.get $W))) (i32.const 2))))
        (local.set $i (i32.const 0))
        (block $rows_done
          (loop $over_i
            (br_if $rows_done (i32.ge_u (local.get $i) (local.get $Ho)))
            (local.set $h_hi (i32.load (i32.add (i32.add (local.get $tab) (i32.shl (local.get $Ho) (i32.const 2))) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $j (i32.const 0))
            (block $cols_done
              (loop $over_j
                (br_if $cols_done (i32.ge_u (local.get $j) (local.get $Wo)))
                (local.set $w_lo (i32.load (i32.add (local.get $ws) (i32.shl (local.get $j) (i32.const 2)))))
                (local.set $w_hi (i32.load (i32.add (local.get $we) (i32.shl (local.get $j) (i32.const 2)))))
                (local.set $s (f64.const 0))
                (local.set $h (i32.load (i32.add (local.get $tab) (i32.shl (local.get $i) (i32.const 2)))))
                (block $window_done
                  (loop $over_h
                    (br_if $window_done (i32.ge_s (local.get $h) (local.get $h_hi)))
                    (local.set $row (i32.add (local.get $xb) (i32.shl (i32.mul (local.get $h) (local.get $W)) (i32.const 2))))
                    (local.set $w (local.get $w_lo))
                    (block $row_done
                      (loop $over_w
                        (br_if $row_done (i32.ge_s (local.get $w) (local.get $w_hi)))
                        (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $w) (i32.const 2)))))))
                        (local.set $w (i32.add (local.get $w) (i32.const 1)))
                        (br $over_w)))
                    (local.set $h (i32.add (local.get $h) (i32.const 1)))
                    (br $over_h)))
                (f32.store (local.get $o) (f32.demote_f64 (f64.div (local.get $s)
                  (f64.load (i32.add (local.get $div) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $Wo)) (local.get $j)) (i32.const 3)))))))
                (local.set $o (i32.add (local.get $o) (i32.const 4)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $over_j)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $over_i)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $over_p))))

  ;; Gradient of average pooling for planes [p0, p1): every output gradient divided (in float64) by its divisor
  ;; and added to its window in the float64 $plane scratch (H*W values), which is then rounded into gx, the js
  ;; kernel's arithmetic. $tab and $div as for avg_pool2d.
  (func (export "avg_pool2d_backward")
    (param $go i32) (param $gx i32) (param $plane i32) (param $p0 i32) (param $p1 i32) (param $H i32) (param $W i32)
    (param $Ho i32) (param $Wo i32) (param $tab i32) (param $div i32)
    (local $p i32) (local $i i32) (local $j i32) (local $h i32) (local $w i32) (local $k i32) (local $HW i32)
    (local $h_hi i32) (local $w_lo i32) (local $w_hi i32) (local $row i32) (local $g f64) (local $ws i32) (local $we i32)
    (local $o i32) (local $a i32) (local $gxb i32)
    (local.set $HW (i32.mul (local.get $H) (local.get $W)))
    (local.set $ws (i32.add (local.get $tab) (i32.shl (local.get $Ho) (i32.const 3))))
    (local.set $we (i32.add (local.get $ws) (i32.shl (local.get $Wo) (i32.const 2))))
    (local.set $p (local.get $p0))
    (local.set $o (i32.add (local.get $go) (i32.shl (i32.mul (local.get $p0) (i32.mul (local.get $Ho) (local.get $Wo))) (i32.const 2))))
    (block $done
      (loop $over_p
        (br_if $done (i32.ge_u (local.get $p) (local.get $p1)))
        (local.set $k (i32.const 0))
        (block $zeroed
          (loop $zero
            (br_if $zeroed (i32.ge_u (local.get $k) (local.get $HW)))
            (f64.store (i32.add (local.get $plane) (i32.shl (local.get $k) (i32.const 3))) (f64.const 0))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $zero)))
        (local.set $i (i32.const 0))
        (block $rows_done
          (loop $over_i
            (br_if $rows_done (i32.ge_u (local.get $i) (local.get $Ho)))
            (local.set $h_hi (i32.load (i32.add (i32.add (local.get $tab) (i32.shl (local.get $Ho) (i32.const 2))) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $j (i32.const 0))
            (block $cols_done
              (loop $over_j
                (br_if $cols_done (i32.ge_u (local.get $j) (local.get $Wo)))
                (local.set $w_lo (i32.load (i32.add (local.get $ws) (i32.shl (local.get $j) (i32.const 2)))))
                (local.set $w_hi (i32.load (i32.add (local.get $we) (i32.shl (local.get $j) (i32.const 2)))))
                (local.set $g (f64.div (f64.promote_f32 (f32.load (local.get $o)))
                  (f64.load (i32.add (local.get $div) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $Wo)) (local.get $j)) (i32.const 3))))))
                (local.set $h (i32.load (i32.add (local.get $tab) (i32.shl (local.get $i) (i32.const 2)))))
                (block $window_done
                  (loop $over_h
                    (br_if $window_done (i32.ge_s (local.get $h) (local.get $h_hi)))
                    (local.set $row (i32.add (local.get $plane) (i32.shl (i32.mul (local.get $h) (local.get $W)) (i32.const 3))))
                    (local.set $w (local.get $w_lo))
                    (block $row_done
                      (loop $over_w
                        (br_if $row_done (i32.ge_s (local.get $w) (local.get $w_hi)))
                        (local.set $a (i32.add (local.get $row) (i32.shl (local.get $w) (i32.const 3))))
                        (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (local.get $g)))
                        (local.set $w (i32.add (local.get $w) (i32.const 1)))
                        (br $over_w)))
                    (local.set $h (i32.add (local.get $h) (i32.const 1)))
                    (br $over_h)))
                (local.set $o (i32.add (local.get $o) (i32.const 4)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $over_j)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $over_i)))
        (local.set $gxb (i32.add (local.get $gx) (i32.shl (i32.mul (local.get $p) (local.get $HW)) (i32.const 2))))
        (local.set $k (i32.const 0))
        (block $written
          (loop $write
            (br_if $written (i32.ge_u (local.get $k) (local.get $HW)))
            (f32.store (i32.add (local.get $gxb) (i32.shl (local.get $k) (i32.const 2)))
              (f32.demote_f64 (f64.load (i32.add (local.get $plane) (i32.shl (local.get $k) (i32.const 3))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $write)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $over_p))))

  ;; s + x[0] + x[1] + ... + x[n-1] in float64, in that order (the js sum kernel's order, so the same bits).
  (func (export "sum_f32_f64") (param $x i32) (param $n i32) (param $s f64) (result f64)
    (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $over_x
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.load (local.get $x)))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $over_x)))
    (local.get $s))

  ;; acc[i] += x[i] for i < n, acc float64 (one addition per element, as the js sum kernel does), two at a time.
  (func $acc_f32_f64 (export "acc_f32_f64") (param $x i32) (param $acc i32) (param $n i32)
    (local $end i32) (local $end2 i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end2 (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 2))))
    (block $pairs_done
      (loop $pairs
        (br_if $pairs_done (i32.ge_u (local.get $x) (local.get $end2)))
        (v128.store (local.get $acc) (f64x2.add (v128.load (local.get $acc)) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $x)))))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (local.set $acc (i32.add (local.get $acc) (i32.const 16)))
        (br $pairs)))
    (if (i32.lt_u (local.get $x) (local.get $end))
      (then (f64.store (local.get $acc) (f64.add (f64.load (local.get $acc)) (f64.promote_f32 (f32.load (local.get $x))))))))

  ;; exp of four floats: x = n ln2 + r with n = x log2(e) rounded to an integer (adding and taking off 1.5 2^23
  ;; rounds it to nearest, and the sum's low mantissa bits are n), r taken off in two parts (Cody and Waite:
  ;; ln2's leading bits times n are exact), exp(r) on |r| <= ln2/2 as 1 + r + r^2 p(r) with the degree-5 minimax
  ;; p of the Cephes library's expf (about 1 ulp), then scaled by 2^n as two factors 2^(n>>1) and 2^(n - n>>1),
  ;; each a normal float, so results overflow to inf and underflow gradually to 0 as float32 exp does. x is
  ;; clamped to [-104, 88.8] first (beyond, exp is 0 or inf in float32) by pmax/pmin, which keep a NaN x.
  (func $exp_f32x4 (param $x v128) (result v128) ;; @inline
    (local $t v128) (local $n v128) (local $r v128) (local $p v128) (local $k v128) (local $k1 v128)
    (local.set $x (f32x4.pmin (f32x4.pmax (local.get $x) (v128.const f32x4 -104 -104 -104 -104))
      (v128.const f32x4 88.8 88.8 88.8 88.8)))
    (local.set $t (f32x4.add (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))
      (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $n (f32x4.sub (local.get $t) (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $r (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
    (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $n) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $p (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $p (f32x4.add (f32x4.add (f32x4.mul (local.get $p) (f32x4.mul (local.get $r) (local.get $r))) (local.get $r))
      (v128.const f32x4 1 1 1 1)))
    ;; n as an integer: the sum's bits less those of 1.5 2^23 (a NaN x gives garbage here, and NaN anyway)
    (local.set $k (i32x4.sub (local.get $t) (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $k1 (i32x4.shr_s (local.get $k) (i32.const 1)))
    (local.set $k (i32x4.sub (local.get $k) (local.get $k1)))
    (f32x4.mul (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.add (local.get $k1) (v128.const i32x4 127 127 127 127)) (i32.const 23)))
      (i32x4.shl (i32x4.add (local.get $k) (v128.const i32x4 127 127 127 127)) (i32.const 23))))

  ;; Softmax of $rows rows of $L floats each, contiguous at x, into the same layout at out: per row the max
  ;; (NaN propagates), the exponentials of x - max written to out and summed in float64, then out / sum. A
  ;; row's last L mod 4 floats run through the same exp one lane at a time.
  (func (export "softmax_rows_f32") (param $x i32) (param $out i32) (param $rows i32) (param $L i32)
    (local $row_bytes i32) (local $vec_end i32) (local $end i32) (local $i i32) (local $o i32)
    (local $mv v128) (local $m f32) (local $e v128) (local $acc v128) (local $ts f64) (local $s f32)
    (local.set $row_bytes (i32.shl (local.get $L) (i32.const 2)))
    (block $rows_done
      (loop $over_rows
        (br_if $rows_done (i32.eqz (local.get $rows)))
        (local.set $end (i32.add (local.get $x) (local.get $row_bytes)))
        (local.set $vec_end (i32.add (local.get $x) (i32.shl (i32.and (local.get $L) (i32.const -4)) (i32.const 2))))
        ;; the row's max
        (local.set $mv (v128.const f32x4 -inf -inf -inf -inf))
        (local.set $i (local.get $x))
        (block $max_done
          (loop $max_vec
            (br_if $max_done (i32.ge_u (local.get $i) (local.get $vec_end)))
            (local.set $mv (f32x4.max (local.get $mv) (v128.load (local.get $i))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $max_vec)))
        (local.set $m (f32.max (f32.max (f32x4.extract_lane 0 (local.get $mv)) (f32x4.extract_lane 1 (local.get $mv)))
          (f32.max (f32x4.extract_lane 2 (local.get $mv)) (f32x4.extract_lane 3 (local.get $mv)))))
        (block $max_tail_done
          (loop $max_tail
            (br_if $max_tail_done (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $m (f32.max (local.get $m) (f32.load (local.get $i))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $max_tail)))
        (local.set $mv (f32x4.splat (local.get $m)))
        ;; exponentials and their float64 sum (two f64x2 halves)
        (local.set $acc (v128.const f64x2 0 0))
        (local.set $ts (f64.const 0))
        (local.set $i (local.get $x))
        (local.set $o (local.get $out))
        (block $exp_done
          (loop $exp_vec
            (br_if $exp_done (i32.ge_u (local.get $i) (local.get $vec_end)))
            (local.set $e (call $exp_f32x4 (f32x4.sub (v128.load (local.get $i)) (local.get $mv))))
            (v128.store (local.get $o) (local.get $e))
            (local.set $acc (f64x2.add (local.get $acc) (f64x2.add (f64x2.promote_low_f32x4 (local.get $e))
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $e) (local.get $e))))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $exp_vec)))
        (block $exp_tail_done
          (loop $exp_tail
            (br_if $exp_tail_done (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $e (call $exp_f32x4 (f32x4.sub (f32x4.splat (f32.load (local.get $i))) (local.get $mv))))
            (f32.store (local.get $o) (f32x4.extract_lane 0 (local.get $e)))
            (local.set $ts (f64.add (local.get $ts) (f64.promote_f32 (f32x4.extract_lane 0 (local.get $e)))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $exp_tail)))
        (local.set $s (f32.demote_f64 (f64.add (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))) (local.get $ts))))
        (local.set $mv (f32x4.splat (local.get $s)))
        ;; normalised in place
        (local.set $o (local.get $out))
        (local.set $end (i32.add (local.get $out) (local.get $row_bytes)))
        (local.set $vec_end (i32.add (local.get $out) (i32.shl (i32.and (local.get $L) (i32.const -4)) (i32.const 2))))
        (block $div_done
          (loop $div_vec
            (br_if $div_done (i32.ge_u (local.get $o) (local.get $vec_end)))
            (v128.store (local.get $o) (f32x4.div (v128.load (local.get $o)) (local.get $mv)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $div_vec)))
        (block $div_tail_done
          (loop $div_tail
            (br_if $div_tail_done (i32.ge_u (local.get $o) (local.get $end)))
            (f32.store (local.get $o) (f32.div (f32.load (local.get $o)) (local.get $s)))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $div_tail)))
        (local.set $x (i32.add (local.get $x) (local.get $row_bytes)))
        (local.set $out (i32.add (local.get $out) (local.get $row_bytes)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $over_rows))))

  ;; Softmax's input gradient over $rows rows of $L floats, g (the output's gradient), y (the output) and out
  ;; contiguous alike: out = y (g - t) with t = sum(g y) (float32 products summed in float64, rounded once).
  (func (export "softmax_backward_rows_f32") (param $g i32) (param $y i32) (param $out i32) (param $rows i32) (param $L i32)
    (local $vec_bytes i32) (local $row_bytes i32) (local $j i32) (local $p v128) (local $acc v128) (local $ts f64) (local $t f32) (local $tv v128)
    (local.set $row_bytes (i32.shl (local.get $L) (i32.const 2)))
    (local.set $vec_bytes (i32.shl (i32.and (local.get $L) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $over_rows
        (br_if $rows_done (i32.eqz (local.get $rows)))
        (local.set $acc (v128.const f64x2 0 0))
        (local.set $ts (f64.const 0))
        (local.set $j (i32.const 0))
        (block $dot_done
          (loop $dot_vec
            (br_if $dot_done (i32.ge_u (local.get $j) (local.get $vec_bytes)))
            (local.set $p (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $j))) (v128.load (i32.add (local.get $y) (local.get $j)))))
            (local.set $acc (f64x2.add (local.get $acc) (f64x2.add (f64x2.promote_low_f32x4 (local.get $p))
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $p) (local.get $p))))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $dot_vec)))
        (block $dot_tail_done
          (loop $dot_tail
            (br_if $dot_tail_done (i32.ge_u (local.get $j) (local.get $row_bytes)))
            (local.set $ts (f64.add (local.get $ts) (f64.promote_f32
              (f32.mul (f32.load (i32.add (local.get $g) (local.get $j))) (f32.load (i32.add (local.get $y) (local.get $j)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $dot_tail)))
        (local.set $t (f32.demote_f64 (f64.add (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))) (local.get $ts))))
        (local.set $tv (f32x4.splat (local.get $t)))
        (local.set $j (i32.const 0))
        (block $out_done
          (loop $out_vec
            (br_if $out_done (i32.ge_u (local.get $j) (local.get $vec_bytes)))
            (v128.store (i32.add (local.get $out) (local.get $j)) (f32x4.mul (v128.load (i32.add (local.get $y) (local.get $j)))
              (f32x4.sub (v128.load (i32.add (local.get $g) (local.get $j))) (local.get $tv))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $out_vec)))
        (block $out_tail_done
          (loop $out_tail
            (br_if $out_tail_done (i32.ge_u (local.get $j) (local.get $row_bytes)))
            (f32.store (i32.add (local.get $out) (local.get $j)) (f32.mul (f32.load (i32.add (local.get $y) (local.get $j)))
              (f32.sub (f32.load (i32.add (local.get $g) (local.get $j))) (local.get $t))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $out_tail)))
        (local.set $g (i32.add (local.get $g) (local.get $row_bytes)))
        (local.set $y (i32.add (local.get $y) (local.get $row_bytes)))
        (local.set $out (i32.add (local.get $out) (local.get $row_bytes)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $over_rows))))

  ;; Layer norm's row statistics over $rows rows of $D floats at x: each row's mean and biased variance (the
  ;; squared deviations from that mean), summed in float64 in four lanes (two chains of two, so the adds
  ;; overlap), written to the float64 arrays at mean and var.
  (func (export "row_moments_f32") (param $x i32) (param $rows i32) (param $D i32) (param $mean i32) (param $var i32)
    (local $j i32) (local $row_bytes i32) (local $quad_bytes i32) (local $lo v128) (local $hi v128) (local $v v128)
    (local $d v128) (local $mv v128) (local $s f64) (local $m f64) (local $e f64)
    (local.set $row_bytes (i32.shl (local.get $D) (i32.const 2)))
    (local.set $quad_bytes (i32.shl (i32.and (local.get $D) (i32.const -4)) (i32.const 2)))
    (block $rows_done
      (loop $over_rows
        (br_if $rows_done (i32.eqz (local.get $rows)))
        (local.set $lo (v128.const f64x2 0 0))
        (local.set $hi (v128.const f64x2 0 0))
        (local.set $j (i32.const 0))
        (block $sum_done
          (loop $sum
            (br_if $sum_done (i32.ge_u (local.get $j) (local.get $quad_bytes)))
            (local.set $v (v128.load (i32.add (local.get $x) (local.get $j))))
            (local.set $lo (f64x2.add (local.get $lo) (f64x2.promote_low_f32x4 (local.get $v))))
            (local.set $hi (f64x2.add (local.get $hi) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $sum)))
        (local.set $lo (f64x2.add (local.get $lo) (local.get $hi)))
        (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $lo)) (f64x2.extract_lane 1 (local.get $lo))))
        (block $sum_tail_done
          (loop $sum_tail
            (br_if $sum_tail_done (i32.ge_u (local.get $j) (local.get $row_bytes)))
            (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $sum_tail)))
        (local.set $m (f64.div (local.get $s) (f64.convert_i32_u (local.get $D))))
        (f64.store (local.get $mean) (local.get $m))
        (local.set $mv (f64x2.splat (local.get $m)))
        (local.set $lo (v128.const f64x2 0 0))
        (local.set $hi (v128.const f64x2 0 0))
        (local.set $j (i32.const 0))
        (block $dev_done
          (loop $dev
            (br_if $dev_done (i32.ge_u (local.get $j) (local.get $quad_bytes)))
            (local.set $v (v128.load (i32.add (local.get $x) (local.get $j))))
            (local.set $d (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (local.get $mv)))
            (local.set $lo (f64x2.add (local.get $lo) (f64x2.mul (local.get $d) (local.get $d))))
            (local.set $d (f64x2.sub (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
              (local.get $mv)))
            (local.set $hi (f64x2.add (local.get $hi) (f64x2.mul (local.get $d) (local.get $d))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $dev)))
        (local.set $lo (f64x2.add (local.get $lo) (local.get $hi)))
        (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $lo)) (f64x2.extract_lane 1 (local.get $lo))))
        (block $dev_tail_done
          (loop $dev_tail
            (br_if $dev_tail_done (i32.ge_u (local.get $j) (local.get $row_bytes)))
            (local.set $e (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $j)))) (local.get $m)))
            (local.set $s (f64.add (local.get $s) (f64.mul (local.get $e) (local.get $e))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $dev_tail)))
        (f64.store (local.get $var) (f64.div (local.get $s) (f64.convert_i32_u (local.get $D))))
        (local.set $x (i32.add (local.get $x) (local.get $row_bytes)))
        (local.set $mean (i32.add (local.get $mean) (i32.const 8)))
        (local.set $var (i32.add (local.get $var) (i32.const 8)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $over_rows))))

  ;; Layer norm's forward over $rows rows of $D floats: out = (x - mean) invstd w + b in float64 (the js
  ;; kernel's arithmetic, so the same bits), two floats at a time; mean and invstd float64 per row, w and b
  ;; $D floats each, used when $has_w / $has_b.
  (func (export "row_normalize_f32") (param $x i32) (param $rows i32) (param $D i32) (param $mean i32) (param $invstd i32)
    (param $w i32) (param $b i32) (param $out i32) (param $has_w i32) (param $has_b i32)
    (local $j i32) (local $row_bytes i32) (local $pair_bytes i32) (local $mv v128) (local $sv v128) (local $v v128)
    (local $m f64) (local $s f64) (local $e f64)
    (local.set $row_bytes (i32.shl (local.get $D) (i32.const 2)))
    (local.set $pair_bytes (i32.shl (i32.and (local.get $D) (i32.const -2)) (i32.const 2)))
    (block $rows_done
      (loop $over_rows
        (br_if $rows_done (i32.eqz (local.get $rows)))
        (local.set $m (f64.load (local.get $mean)))
        (local.set $s (f64.load (local.get $invstd)))
        (local.set $mv (f64x2.splat (local.get $m)))
        (local.set $sv (f64x2.splat (local.get $s)))
        (local.set $j (i32.const 0))
        (block $pairs_done
          (loop $pairs
            (br_if $pairs_done (i32.ge_u (local.get $j) (local.get $pair_bytes)))
            (local.set $v (f64x2.mul (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x) (local.get $j))))
              (local.get $mv)) (local.get $sv)))
            (if (local.get $has_w) (then (local.set $v (f64x2.mul (local.get $v)
              (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $w) (local.get $j))))))))
            (if (local.get $has_b) (then (local.set $v (f64x2.add (local.get $v)
              (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $b) (local.get $j))))))))
            (v128.store64_lane 0 (i32.add (local.get $out) (local.get $j)) (f32x4.demote_f64x2_zero (local.get $v)))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $pairs)))
        (if (i32.lt_u (local.get $j) (local.get $row_bytes))
          (then
            (local.set $e (f64.mul (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $j)))) (local.get $m)) (local.get $s)))
            (if (local.get $has_w) (then (local.set $e (f64.mul (local.get $e) (f64.promote_f32 (f32.load (i32.add (local.get $w) (local.get $j))))))))
            (if (local.get $has_b) (then (local.set $e (f64.add (local.get $e) (f64.promote_f32 (f32.load (i32.add (local.get $b) (local.get $j))))))))
            (f32.store (i32.add (local.get $out) (local.get $j)) (f32.demote_f64 (local.get $e)))))
        (local.set $x (i32.add (local.get $x) (local.get $row_bytes)))
        (local.set $out (i32.add (local.get $out) (local.get $row_bytes)))
        (local.set $mean (i32.add (local.get $mean) (i32.const 8)))
        (local.set $invstd (i32.add (local.get $invstd) (i32.const 8)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $over_rows))))

  ;; Layer norm's backward over $rows rows of $D floats, in float64 two floats at a time, as the js kernel:
  ;; per row xh = (x - mean) invstd and gh = g w (g without $has_w); the column sums gw += g xh and gb += g
  ;; (float64 arrays of $D, when $gw / $gb are not 0); and, when $dx is not 0, dx = invstd (gh - mean(gh) -
  ;; xh mean(gh xh)).
  (func (export "row_normalize_backward_f32") (param $g i32) (param $x i32) (param $rows i32) (param $D i32) (param $mean i32)
    (param $invstd i32) (param $w i32) (param $has_w i32) (param $dx i32) (param $gw i32) (param $gb i32)
    (local $j i32) (local $j8 i32) (local $row_bytes i32) (local $pair_bytes i32) (local $mv v128) (local $sv v128)
    (local $gv v128) (local $xh v128) (local $gh v128) (local $sg v128) (local $sgx v128) (local $mg v128) (local $mgx v128)
    (local $m f64) (local $s f64) (local $g1 f64) (local $x1 f64) (local $h1 f64) (local $tg f64) (local $tgx f64)
    (local.set $row_bytes (i32.shl (local.get $D) (i32.const 2)))
    (local.set $pair_bytes (i32.shl (i32.and (local.get $D) (i32.const -2)) (i32.const 2)))
    (block $rows_done
      (loop $over_rows
        (br_if $rows_done (i32.eqz (local.get $rows)))
        (local.set $m (f64.load (local.get $mean)))
        (local.set $s (f64.load (local.get $invstd)))
        (local.set $mv (f64x2.splat (local.get $m)))
        (local.set $sv (f64x2.splat (local.get $s)))
        (local.set $sg (v128.const f64x2 0 0))
        (local.set $sgx (v128.const f64x2 0 0))
        (local.set $j (i32.const 0))
        (block $sums_done
          (loop $sums
            (br_if $sums_done (i32.ge_u (local.get $j) (local.get $pair_bytes)))
            (local.set $j8 (i32.shl (local.get $j) (i32.const 1)))
            (local.set $gv (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $g) (local.get $j)))))
            (local.set $xh (f64x2.mul (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x) (local.get $j))))
              (local.get $mv)) (local.get $sv)))
            (local.set $gh (local.get $gv))
            (if (local.get $has_w) (then (local.set $gh (f64x2.mul (local.get $gv)
              (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $w) (local.get $j))))))))
            (local.set $sg (f64x2.add (local.get $sg) (local.get $gh)))
            (local.set $sgx (f64x2.add (local.get $sgx) (f64x2.mul (local.get $gh) (local.get $xh))))
            (if (local.get $gw) (then (v128.store (i32.add (local.get $gw) (local.get $j8))
              (f64x2.add (v128.load (i32.add (local.get $gw) (local.get $j8))) (f64x2.mul (local.get $gv) (local.get $xh))))))
            (if (local.get $gb) (then (v128.store (i32.add (local.get $gb) (local.get $j8))
              (f64x2.add (v128.load (i32.add (local.get $gb) (local.get $j8))) (local.get $gv)))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $sums)))
        (local.set $tg (f64.add (f64x2.extract_lane 0 (local.get $sg)) (f64x2.extract_lane 1 (local.get $sg))))
        (local.set $tgx (f64.add (f64x2.extract_lane 0 (local.get $sgx)) (f64x2.extract_lane 1 (local.get $sgx))))
        (if (i32.lt_u (local.get $j) (local.get $row_bytes))
          (then
            (local.set $j8 (i32.shl (local.get $j) (i32.const 1)))
            (local.set $g1 (f64.promote_f32 (f32.load (i32.add (local.get $g) (local.get $j)))))
            (local.set $x1 (f64.mul (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $j)))) (local.get $m)) (local.get $s)))
            (local.set $h1 (local.get $g1))
            (if (local.get $has_w) (then (local.set $h1 (f64.mul (local.get $g1) (f64.promote_f32 (f32.load (i32.add (local.get $w) (local.get $j))))))))
            (local.set $tg (f64.add (local.get $tg) (local.get $h1)))
            (local.set $tgx (f64.add (local.get $tgx) (f64.mul (local.get $h1) (local.get $x1))))
            (if (local.get $gw) (then (f64.store (i32.add (local.get $gw) (local.get $j8))
              (f64.add (f64.load (i32.add (local.get $gw) (local.get $j8))) (f64.mul (local.get $g1) (local.get $x1))))))
            (if (local.get $gb) (then (f64.store (i32.add (local.get $gb) (local.get $j8))
              (f64.add (f64.load (i32.add (local.get $gb) (local.get $j8))) (local.get $g1)))))))
        (if (local.get $dx)
          (then
            (local.set $tg (f64.div (local.get $tg) (f64.convert_i32_u (local.get $D))))
            (local.set $tgx (f64.div (local.get $tgx) (f64.convert_i32_u (local.get $D))))
            (local.set $mg (f64x2.splat (local.get $tg)))
            (local.set $mgx (f64x2.splat (local.get $tgx)))
            (local.set $j (i32.const 0))
            (block $dx_done
              (loop $dx_pairs
                (br_if $dx_done (i32.ge_u (local.get $j) (local.get $pair_bytes)))
                (local.set $xh (f64x2.mul (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x) (local.get $j))))
                  (local.get $mv)) (local.get $sv)))
                (local.set $gh (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $g) (local.get $j)))))
                (if (local.get $has_w) (then (local.set $gh (f64x2.mul (local.get $gh)
                  (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $w) (local.get $j))))))))
                (v128.store64_lane 0 (i32.add (local.get $dx) (local.get $j)) (f32x4.demote_f64x2_zero (f64x2.mul (local.get $sv)
                  (f64x2.sub (f64x2.sub (local.get $gh) (local.get $mg)) (f64x2.mul (local.get $xh) (local.get $mgx))))))
                (local.set $j (i32.add (local.get $j) (i32.const 8)))
                (br $dx_pairs)))
            (if (i32.lt_u (local.get $j) (local.get $row_bytes))
              (then
                (local.set $x1 (f64.mul (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $j)))) (local.get $m)) (local.get $s)))
                (local.set $h1 (f64.promote_f32 (f32.load (i32.add (local.get $g) (local.get $j)))))
                (if (local.get $has_w) (then (local.set $h1 (f64.mul (local.get $h1) (f64.promote_f32 (f32.load (i32.add (local.get $w) (local.get $j))))))))
                (f32.store (i32.add (local.get $dx) (local.get $j)) (f32.demote_f64 (f64.mul (local.get $s)
                  (f64.sub (f64.sub (local.get $h1) (local.get $tg)) (f64.mul (local.get $x1) (local.get $tgx))))))))
            (local.set $dx (i32.add (local.get $dx) (local.get $row_bytes)))))
        (local.set $g (i32.add (local.get $g) (local.get $row_bytes)))
        (local.set $x (i32.add (local.get $x) (local.get $row_bytes)))
        (local.set $mean (i32.add (local.get $mean) (i32.const 8)))
        (local.set $invstd (i32.add (local.get $invstd) (i32.const 8)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $over_rows))))

  ;; dst (contiguous) = $rows rows of $n floats, row r read from src + starts[r] floats (starts: int32s at
  ;; $starts): a strided view with short rows (an attention head's 32 features) made contiguous.
  (func (export "gather_rows_f32") (param $src i32) (param $starts i32) (param $rows i32) (param $n i32) (param $dst i32)
    (local $row_bytes i32)
    (local.set $row_bytes (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $over_rows
        (br_if $done (i32.eqz (local.get $rows)))
        (call $copy_f32 (local.get $dst) (i32.add (local.get $src) (i32.shl (i32.load (local.get $starts)) (i32.const 2))) (local.get $n))
        (local.set $starts (i32.add (local.get $starts) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (local.get $row_bytes)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $over_rows))))

  ;; acc[starts[r] + j] += x[r*n + j] (acc float64, starts int32s at $starts) for $rows rows of $n floats,
  ;; row after row: the js sum kernel's additions in its order for short rows, a bias gradient's column sums.
  (func (export "acc_rows_f32_f64") (param $x i32) (param $rows i32) (param $n i32) (param $acc i32) (param $starts i32)
    (local $row_bytes i32)
    (local.set $row_bytes (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $over_rows
        (br_if $done (i32.eqz (local.get $rows)))
        (call $acc_f32_f64 (local.get $x) (i32.add (local.get $acc) (i32.shl (i32.load (local.get $starts)) (i32.const 3))) (local.get $n))
        (local.set $x (i32.add (local.get $x) (local.get $row_bytes)))
        (local.set $starts (i32.add (local.get $starts) (i32.const 4)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $over_rows))))

  ;; out = x * a for n floats, in float64 (each product rounded once to float32, as the js kernel computes a
  ;; float64 scalar's product), two at a time.
  (func (export "scale_f32_f64") (param $x i32) (param $out i32) (param $n i32) (param $a f64)
    (local $end i32) (local $end2 i32) (local $av v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end2 (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 2))))
    (local.set $av (f64x2.splat (local.get $a)))
    (block $pairs_done
      (loop $pairs
        (br_if $pairs_done (i32.ge_u (local.get $x) (local.get $end2)))
        (v128.store64_lane 0 (local.get $out) (f32x4.demote_f64x2_zero
          (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $x))) (local.get $av))))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (br $pairs)))
    (if (i32.lt_u (local.get $x) (local.get $end))
      (then (f32.store (local.get $out) (f32.demote_f64 (f64.mul (f64.promote_f32 (f32.load (local.get $x))) (local.get $a)))))))
)
