// The matrix-product kernel, written once for every vector width.
//
// A file that includes this defines, for one instruction set:
//   TARGET                       the function attribute that enables it
//   NAME(x)                      x with the instruction set's suffix
//   VECTOR, ROWS, MAXIMUM_VECTORS  lanes per register, rows and registers of a block
//   vector_t, mask_t             a register of floats, and a lane mask
//   ZERO(), SET1(x), LOADU(p), STOREU(p, v), FMADD(a, b, c), MUL(a, b)
//   TAIL_MASK(lanes), LOAD_MASKED(mask, p), STORE_MASKED(p, mask, v)  (for a partial last register)
//
// Every width computes each element of c with the same operations in the same order (one
// fused multiply-add per term, slices of k added in turn, then alpha and beta), so every
// instruction set gives the same bits. A block of ROWS rows × up to MAXIMUM_VECTORS
// registers of columns is held in registers while k streams past; `a` is read in place
// (each element broadcast) and `b` row by row, copied first into contiguous rows when
// several blocks share it or when it is stored transposed. Rows are split between the cores.

enum { NAME(PANEL) = VECTOR * MAXIMUM_VECTORS };

// c[rows × VECTOR·vectors] block at (i0, j0); the last vector's lanes beyond the matrix are
// computed from the panel's zero padding and masked off when stored. Inlined with constant `rows` and `vectors`, the accumulators live in registers.
static inline __attribute__((always_inline)) TARGET void NAME(block)(
    const product_t *product, int i0, int j0, int p0, int p1, const float *panel, long panel_stride,
    const int rows, const int vectors, mask_t last, int whole) {
    vector_t sum[ROWS][MAXIMUM_VECTORS];
    for (int r = 0; r < rows; r++)
        for (int v = 0; v < vectors; v++) sum[r][v] = ZERO();

    const float *a = product->a + i0 * product->row_stride_a + p0 * product->column_stride_a;
    const float *b = panel;
    const long row_stride = product->row_stride_a, column_stride = product->column_stride_a;
    for (int p = p0; p < p1; p++) {
        vector_t bv[MAXIMUM_VECTORS];
        // Whole registers: a panel with a partial last register is always packed, with
        // zeros past the matrix (a masked load in this loop costs several cycles on AVX2).
        for (int v = 0; v < vectors; v++) bv[v] = LOADU(b + VECTOR * v);
        for (int r = 0; r < rows; r++) {
            vector_t av = SET1(a[r * row_stride]);
            for (int v = 0; v < vectors; v++) sum[r][v] = FMADD(av, bv[v], sum[r][v]);
        }
        a += column_stride;
        b += panel_stride;
    }

    // The first slice of k applies beta to what c held; later slices add to it.
    const float beta_now = p0 == 0 ? product->beta : 1;
    const vector_t alpha = SET1(product->alpha), beta = SET1(beta_now);
    for (int r = 0; r < rows; r++) {
        float *c = product->c + (long)(i0 + r) * product->n + j0;
        for (int v = 0; v < vectors; v++) {
            vector_t result = MUL(alpha, sum[r][v]);
            // Only a partial last register needs masks (slow on some processors).
            if (whole || v < vectors - 1) {
                if (beta_now != 0) result = FMADD(beta, LOADU(c + VECTOR * v), result);
                STOREU(c + VECTOR * v, result);
            } else {
                if (beta_now != 0) result = FMADD(beta, LOAD_MASKED(last, c + VECTOR * v), result);
                STORE_MASKED(c + VECTOR * v, last, result);
            }
        }
    }
}

#define NAME_BLOCK_ROWS(rows)                                                                         \
    switch (vectors) {                                                                                \
    case 1: NAME(block)(product, i0, j0, p0, p1, panel, panel_stride, rows, 1, last, whole); break;   \
    case 2: NAME(block)(product, i0, j0, p0, p1, panel, panel_stride, rows, 2, last, whole); break;   \
    default: NAME(block)(product, i0, j0, p0, p1, panel, panel_stride, rows, MAXIMUM_VECTORS, last, whole); break; \
    }

static TARGET void NAME(any_block)(const product_t *product, int i0, int rows, int j0, int p0, int p1,
                                   const float *panel, long panel_stride, int vectors, mask_t last, int whole) {
    switch (rows) {
    case 1: NAME_BLOCK_ROWS(1) break;
    case 2: NAME_BLOCK_ROWS(2) break;
    case 3: NAME_BLOCK_ROWS(3) break;
    case 4: NAME_BLOCK_ROWS(4) break;
    case 5: NAME_BLOCK_ROWS(5) break;
#if ROWS > 6
    case 6: NAME_BLOCK_ROWS(6) break;
    case 7: NAME_BLOCK_ROWS(7) break;
#endif
    default: NAME_BLOCK_ROWS(ROWS) break;
    }
}
#undef NAME_BLOCK_ROWS

// Rows p0..<p1, columns j0..<j0 + width of b (row-major, rows `leading` apart) into
// destination, rows `stride` apart. Lanes past the matrix are never read: the last
// vector's loads are masked.
static TARGET void NAME(pack_rows)(const float *b, long leading, int p0, int p1, int j0, int vectors, mask_t last,
                                   int whole, float *destination, long stride) {
    for (int p = p0; p < p1; p++) {
        const float *source = b + (long)p * leading + j0;
        float *row = destination + (long)(p - p0) * stride;
        // b is often far from this core (the other core's optimizer wrote it): asking
        // for rows ahead overlaps their misses.
        if (p + PREFETCH_ROWS < p1)
            for (int v = 0; v <= vectors; v++)
                _mm_prefetch((const char *)(source + PREFETCH_ROWS * leading + VECTOR * v), _MM_HINT_T0);
        for (int v = 0; v < vectors; v++)
            STOREU(row + VECTOR * v, whole || v < vectors - 1 ? LOADU(source + VECTOR * v)
                                                              : LOAD_MASKED(last, source + VECTOR * v));
    }
}

// Rows [first, end) and columns [column_first, column_end) of c: column panels outside
// so that a panel of b (k × PANEL) stays in the core's cache while every row block passes.
static TARGET void NAME(product_region)(const product_t *product, int first, int end, int column_first, int column_end) {
    for (int j0 = column_first; j0 < column_end; j0 += NAME(PANEL)) {
        int width = column_end - j0 < NAME(PANEL) ? column_end - j0 : NAME(PANEL);
        int vectors = (width + VECTOR - 1) / VECTOR;
        int tail = width - VECTOR * (vectors - 1);
        mask_t last = TAIL_MASK(tail);
        int whole = tail == VECTOR;
        // Slices of k small enough that the panel's slice stays in the first-level cache.
        // (k = 0 still passes once, to scale c by beta.)
        int slices = product->k > DEPTH ? (product->k + DEPTH - 1) / DEPTH : 1;
        int depth = (product->k + slices - 1) / slices;
        for (int p0 = 0, slice = 0; slice < slices; p0 += depth, slice++) {
            int p1 = product->k - p0 < depth ? product->k : p0 + depth;
            // When several row blocks will read this slice of the panel, it is first copied
            // into contiguous rows of VECTOR·vectors floats, which stream from the cache
            // without partial lines or strides; a transposed b, and a panel narrower than
            // its registers, are always copied so.
            const float *panel = product->b + (long)p0 * product->leading_b + j0;
            long panel_stride = product->leading_b;
            if ((product->transposed_b || end - first > ROWS || tail != VECTOR) && p1 > p0) {
                panel_stride = VECTOR * vectors;
                float *packed = panel_buffer((size_t)(p1 - p0) * panel_stride);
                if (product->transposed_b)
                    pack_transposed(product->b, product->leading_b, p0, p1, j0, width, packed, panel_stride);
                else
                    NAME(pack_rows)(product->b, product->leading_b, p0, p1, j0, vectors, last, whole, packed, panel_stride);
                panel = packed;
            }
            for (int i0 = first; i0 < end; i0 += ROWS) {
                int rows = end - i0 < ROWS ? end - i0 : ROWS;
                NAME(any_block)(product, i0, rows, j0, p0, p1, panel, panel_stride, vectors, last, whole);
            }
        }
    }
}

// How the work divides between threads: by rows when there are enough of them and b
// need not be transposed (both threads then read every panel of b); otherwise by
// columns, in whole vectors, so that each thread transposes only its own panels.
static void NAME(product_part)(void *context, int part, int parts) {
    const product_t *product = context;
    if (!product->transposed_b && product->m >= ROWS * parts) {
        int blocks = (product->m + ROWS - 1) / ROWS;
        int first = ROWS * (blocks * part / parts), end = ROWS * (blocks * (part + 1) / parts);
        if (end > product->m) end = product->m;
        NAME(product_region)(product, first, end, 0, product->n);
    } else {
        int vectors = (product->n + VECTOR - 1) / VECTOR;
        int first = VECTOR * (vectors * part / parts), end = VECTOR * (vectors * (part + 1) / parts);
        if (end > product->n) end = product->n;
        if (first < end) NAME(product_region)(product, 0, product->m, first, end);
    }
}

// The product on `parts` threads (fewer when the split would not pay).
void NAME(vae_matrix_product)(product_t *product, int parts) {
    if (parts > 1 && (product->transposed_b || product->m < ROWS * parts) && product->n < VECTOR * parts) parts = 1;
    vae_parallel_for(parts, NAME(product_part), product);
}
