package org.cnf4j.linalg;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** Reading HotSpot's compile queue: which listings name kernel code. */
class CompileQueueTest {

    private static final String IDLE = """
            Current compiles:\s

            C1 compile queue:
            Empty

            C2 compile queue:
            Empty
            """;

    @Test
    void anEmptyQueueNamesNoKernelCode() {
        assertFalse(CompileQueue.namesKernelCode(IDLE));
    }

    @Test
    void otherMethodsBeingCompiledAreNotKernelCode() {
        String listing = IDLE.replace(
                "Current compiles: \n",
                "Current compiles: \nC1 CompilerThread0   481       1       "
                        + "java.util.concurrent.locks.AbstractQueuedSynchronizer::getState (5 bytes)\n");
        assertFalse(CompileQueue.namesKernelCode(listing));
    }

    @Test
    void aKernelInEitherQueueOrBeingCompiledIsPending() {
        String inC2Queue = IDLE.replace(
                "C2 compile queue:\nEmpty",
                "C2 compile queue:\n  1203 %     4       org.cnf4j.linalg.VectorTranscendentals::tanh @ 12 (230 bytes)");
        String current = IDLE.replace(
                "Current compiles: \n",
                "Current compiles: \nC2 CompilerThread0  1190       4       "
                        + "jdk.incubator.vector.DoubleVector::lanewise (60 bytes)\n");
        String intrinsic = IDLE.replace(
                "C1 compile queue:\nEmpty",
                "C1 compile queue:\n  1201       3       jdk.internal.vm.vector.VectorSupport::binaryOp (38 bytes)");
        assertTrue(CompileQueue.namesKernelCode(inC2Queue));
        assertTrue(CompileQueue.namesKernelCode(current));
        assertTrue(CompileQueue.namesKernelCode(intrinsic));
    }

    @Test
    void hotSpotShowsItsQueue() {
        assumeTrue(System.getProperty("java.vm.name", "").contains("HotSpot")
                || System.getProperty("java.vm.name", "").contains("OpenJDK"));
        assertTrue(CompileQueue.supported());
    }
}
