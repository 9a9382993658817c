package org.cnf4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.cnf4j.data.DataFiles;
import org.cnf4j.data.Dataset;
import org.cnf4j.data.MissingValues;
import org.cnf4j.data.Standardizer;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.sample.SampleQuality;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code cnf compare-samples}: how close samples are to data rows. */
@Command(
        name = "compare-samples",
        mixinStandardHelpOptions = true,
        versionProvider = CnfCommand.Version.class,
        sortOptions = false,
        description = {
            "Measures how close a set of samples is to a set of data rows (e.g. held-out test rows): the energy "
                    + "distance (0 for equal distributions) with a permutation test of equality, and a 1-nearest-"
                    + "neighbour classifier two-sample test (accuracy 0.5: the sets cannot be told apart) with its "
                    + "standard error.",
            "Both are computed on one scale: the model's standardised columns with --model (its columns, read by "
                    + "name from both files), else the data's own mean and standard deviation. Each set is cut to "
                    + "--rows rows drawn by --seed (the costs grow with the square of the rows)."
        })
public final class CompareSamplesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--data",
            required = true,
            description = "The data rows (.csv, .tsv or .npy), or a toy data "
                    + "set's name (fresh draws of it, from --seed).")
    String data;

    @Option(
            names = "--samples",
            required = true,
            description = "The samples (.csv, .tsv or .npy), e.g. from cnf sample.")
    String samples;

    @Option(names = "--model", description = "A model whose columns and standardised scale to use.")
    Path model;

    @Option(
            names = "--columns",
            split = ",",
            description =
                    "Columns to compare, by name or index (default: the " + "model's, else every column of the data).")
    List<String> columns;

    @Option(
            names = "--rows",
            defaultValue = "2000",
            description = "Rows of each set used at most (default: " + "${DEFAULT-VALUE}).")
    int rows;

    @Option(
            names = "--permutations",
            defaultValue = "200",
            description = "Permutations of the energy test " + "(default: ${DEFAULT-VALUE}).")
    int permutations;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of the row draws, permutations and split " + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        if (rows < 4 || permutations < 0 || permutations > 100_000) {
            throw new ParameterException(
                    spec.commandLine(), "--rows must be at least 4 and --permutations in [0, " + "100000]");
        }
        Dataset x;
        Dataset y;
        Standardizer scale;
        String scaleName;
        if (model != null) {
            LoadedModel m = ModelFile.load(model);
            List<String> names = m.metadata().columns();
            x = DataFiles.isToy(data)
                    ? toy(names)
                    : DataFiles.readForModel(data, names, columns, MissingValues.FAIL, n -> {});
            y = DataFiles.readForModel(samples, names, columns, MissingValues.FAIL, n -> {});
            scale = m.metadata().standardizer().head(names.size());
            scaleName = "the model's standardised scale";
        } else {
            x = DataFiles.isToy(data)
                    ? toy(List.of("x", "y"))
                    : DataFiles.read(data, columns, null, MissingValues.FAIL, n -> {});
            y = DataFiles.readForModel(samples, x.columns(), null, MissingValues.FAIL, n -> {});
            scale = Standardizer.fit(x.values());
            scaleName = "the data's standardised scale";
        }
        int dim = x.dim();
        double[] a = subsample(NativeArrays.toArray(scale.transform(x.values())), dim, rows, seed, "data");
        double[] b = subsample(NativeArrays.toArray(scale.transform(y.values())), dim, rows, seed, "samples");
        int na = a.length / dim;
        int nb = b.length / dim;
        if (na < 4 || nb < 4) {
            throw new IllegalArgumentException(
                    "each set needs at least 4 rows; got " + na + " data rows and " + nb + " samples");
        }
        SampleQuality.EnergyDistance e = SampleQuality.energyTest(a, b, dim, permutations, seed);
        SampleQuality.ClassifierTest c = SampleQuality.classifierTest(a, b, dim, seed);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "rows: %,d data, %,d samples, %d columns, on %s%n", na, nb, dim, scaleName);
        out.printf(
                Locale.ROOT,
                "energy distance: %.5f (permutation test of equal distributions: p = %.3f, %d " + "permutations)%n",
                e.distance(),
                e.pValue(),
                e.permutations());
        out.printf(
                Locale.ROOT,
                "classifier two-sample test: 1-NN accuracy %.4f +- %.4f on %,d held-out rows (0.5: "
                        + "indistinguishable, 1: apart)%n",
                c.accuracy(),
                c.standardError(),
                c.heldOut());
        out.flush();
        return 0;
    }

    /** {@link #rows} fresh draws of a toy data set, from the seed. */
    private Dataset toy(List<String> names) {
        if (names.size() != 2) {
            throw new IllegalArgumentException("a toy data set has 2 columns; the model has " + names.size());
        }
        return new Dataset(
                org.cnf4j.data.ToyDataset.byName(data)
                        .sample(rows, org.cnf4j.flow.RandomStreams.stream(seed, "compare-toy")),
                names,
                data + " (toy generator)");
    }

    /** At most {@code max} rows, drawn without replacement from the seed's stream for {@code what}. */
    private static double[] subsample(double[] v, int dim, int max, long seed, String what) {
        int n = v.length / dim;
        if (n <= max) {
            return v;
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom r = org.cnf4j.flow.RandomStreams.stream(seed, "compare-" + what);
        for (int i = 0; i < max; i++) {
            int j = i + r.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double[] out = new double[max * dim];
        for (int i = 0; i < max; i++) {
            System.arraycopy(v, order[i] * dim, out, i * dim, dim);
        }
        return out;
    }
}
