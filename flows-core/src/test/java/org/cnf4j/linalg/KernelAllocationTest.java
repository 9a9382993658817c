package org.cnf4j.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every Vector API kernel, once warm, allocates nothing: the regression test for kernels that the
 * JIT leaves to the Vector API's Java fallback (which allocates on every operation and ran 10
 * times slower than the plain path on an AVX-512 machine). Run at the CPU's preferred width and,
 * in a second surefire execution, at a forced 256-bit width ({@code cnf4j.vector.bits=256}).
 */
class KernelAllocationTest {

    /** Bytes a call may allocate: a fallback call allocates kilobytes to megabytes. */
    private static final long ALLOWED = 16;
    private static final long WARMUP_MS = 20_000;

    @Test
    void vectorKernelsAllocateNothingOnceCompiled() {
        assumeTrue(HeapGemm.vectorized(), "the Vector API module is not present");
        for (KernelFamily family : KernelFamily.values()) {
            KernelWorkload w = KernelWorkload.of(family, KernelWorkload.ROWS);
            double perCall = AllocationMeter.currentThreadBytesPerCall(w::vector, 200, ALLOWED, WARMUP_MS);
            assertTrue(perCall <= ALLOWED, family.label() + " at " + KernelSelection.vectorBits()
                    + " bits allocates " + perCall + " bytes per call: the JIT did not compile it to vector instructions");
        }
    }

    @Test
    void selectionKeepsTheVectorKernelsThatCompile() {
        assumeTrue(HeapGemm.vectorized(), "the Vector API module is not present");
        List<KernelFamily> families = List.of(KernelFamily.values());
        List<KernelWorkload> warm = new ArrayList<>();
        List<KernelWorkload> timed = new ArrayList<>();
        for (KernelFamily f : families) {
            warm.add(KernelWorkload.of(f, KernelWorkload.WARMUP_ROWS));
            timed.add(KernelWorkload.of(f, KernelWorkload.ROWS));
        }
        for (KernelChoice c : KernelSelection.measure(families, warm, timed)) {
            // a kernel that compiles is never ruled out as uncompiled, and the choice follows the timings
            assertTrue(!c.reason().startsWith("vector code not compiled"), c.toString());
            assertTrue(c.vectorGflops() > 0 && c.plainGflops() > 0, c.toString());
            assertEquals(c.vector(), c.vectorGflops() >= c.plainGflops(), c.toString());
        }
        for (KernelChoice c : KernelSelection.choices()) {
            assertEquals(c.vector(), KernelSelection.vector(c.family()), c.toString());
        }
    }

    @Test
    void aKernelThatKeepsAllocatingIsRuledOut() {
        // stands in for a kernel left to the Java fallback: fast, but allocating on every call
        KernelWorkload allocating = new KernelWorkload(KernelWorkload.WARMUP_ROWS) {
            private Object sink;

            @Override
            void vector() {
                sink = new double[64];
            }

            @Override
            void plain() {
                sink = null;
            }

            @Override
            long flops() {
                return 64;
            }
        };
        KernelChoice c = KernelSelection.measure(List.of(KernelFamily.ELEMENTWISE_FLOAT), List.of(allocating),
                List.of(allocating)).get(0);
        assertTrue(!c.vector() && c.reason().startsWith("vector code not compiled"), c.toString());
    }
}
