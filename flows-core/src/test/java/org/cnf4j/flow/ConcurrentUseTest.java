package org.cnf4j.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.linalg.ComputeThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A web service scoring requests: 8 threads, each with its own copy of a loaded model (a flow keeps
 * work buffers, so one instance serves one thread at a time), sharing the worker pool; every
 * result equals the single-threaded one bit for bit.
 */
class ConcurrentUseTest {

    @TempDir
    Path dir;

    @Test
    void eightThreadsWithTheirOwnCopyScoreExactlyAsOne() throws Exception {
        ContinuousNormalizingFlow flow =
                ContinuousNormalizingFlow.builder(2).hiddenDims(16, 16).seed(5).build();
        Path file = dir.resolve("m.zip");
        ModelFile.save(file, flow, ModelMetadata.none(2));
        INDArray x = ToyDataset.MOONS.sample(700, new java.util.SplittableRandom(8));
        INDArray want = ModelFile.load(file).flow().logProb(x).logProb();
        int saved = ComputeThreads.workers();
        ExecutorService requests = Executors.newFixedThreadPool(8);
        try {
            for (int workers : new int[] {1, 2, 3}) {
                ComputeThreads.setWorkers(workers);
                List<Future<List<INDArray>>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    results.add(requests.submit(() -> {
                        ContinuousNormalizingFlow own = ModelFile.load(file).flow();
                        List<INDArray> out = new ArrayList<>();
                        for (int rep = 0; rep < 3; rep++) {
                            out.add(own.logProb(x).logProb());
                        }
                        return out;
                    }));
                }
                for (Future<List<INDArray>> f : results) {
                    for (INDArray got : f.get()) {
                        assertEquals(want, got, workers + " workers");
                    }
                }
            }
        } finally {
            requests.shutdownNow();
            ComputeThreads.setWorkers(saved);
        }
    }
}
