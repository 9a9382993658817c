package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.cnf4j.Flow;
import org.cnf4j.Table;
import org.cnf4j.TrainOptions;
import org.cnf4j.io.ModelFile;
import org.cnf4j.linalg.NativeArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The library facade ({@link Flow}, {@link TrainOptions}) gives what the cnf command gives. */
class LibraryParityTest {

    @TempDir
    Path dir;

    @Test
    void cnfTrainWithNoFlagsMeansTrainOptionsDefaults() {
        CommandLine cl = new CommandLine(new CnfCommand()).setCaseInsensitiveEnumValuesAllowed(true);
        CommandLine.ParseResult parsed = cl.parseArgs("train", "--data", "moons", "--out", "m.zip");
        TrainCommand train = (TrainCommand) parsed.subcommand().commandSpec().userObject();
        assertEquals(TrainOptions.defaults(), train.options(true));
    }

    @Test
    void trainDensityAndSampleEqualTheCommandsBitForBit() throws Exception {
        SplittableRandom r = new SplittableRandom(8);
        StringBuilder csv = new StringBuilder("u,v\n");
        for (int i = 0; i < 500; i++) {
            csv.append(r.nextGaussian() * 2 + 1)
                    .append(',')
                    .append(r.nextGaussian() + (i % 3))
                    .append('\n');
        }
        Path data = dir.resolve("t.csv");
        Files.writeString(data, csv.toString());
        Path model = dir.resolve("m.zip");
        CliRun run = CliRun.of(
                "train",
                "--data",
                data.toString(),
                "--iterations",
                "40",
                "--hidden",
                "16,16",
                "--no-baselines",
                "--out",
                model.toString(),
                "--quiet");
        assertEquals(0, run.code(), run.toString());

        Table table = Table.read(data);
        Flow flow = Flow.train(
                table,
                TrainOptions.builder()
                        .iterations(40)
                        .hidden(16, 16)
                        .baselines(false)
                        .build());
        assertArrayEquals(
                NativeArrays.toArray(ModelFile.load(model).flow().parameters()),
                NativeArrays.toArray(flow.model().flow().parameters()),
                0.0);

        Path logp = dir.resolve("logp.csv");
        assertEquals(
                0,
                CliRun.of(
                                "density",
                                "--model",
                                model.toString(),
                                "--input",
                                data.toString(),
                                "--output",
                                logp.toString())
                        .code());
        List<String> lines = Files.readAllLines(logp);
        double[] fromFacade = Flow.load(model).logDensity(table.toArray());
        assertEquals(501, lines.size());
        for (int i = 0; i < fromFacade.length; i++) {
            assertEquals(Double.parseDouble(lines.get(i + 1)), fromFacade[i], 0.0, "row " + i);
        }

        Path samples = dir.resolve("s.csv");
        assertEquals(
                0,
                CliRun.of(
                                "sample",
                                "--model",
                                model.toString(),
                                "-n",
                                "200",
                                "--seed",
                                "4",
                                "--output",
                                samples.toString())
                        .code());
        List<String> sampled = Files.readAllLines(samples);
        double[][] drawn = flow.sample(200, 4);
        for (int i = 0; i < drawn.length; i++) {
            String[] cells = sampled.get(i + 1).split(",");
            assertArrayEquals(
                    new double[] {Double.parseDouble(cells[0]), Double.parseDouble(cells[1])},
                    drawn[i],
                    0.0,
                    "sample " + i);
        }
    }
}
