package org.cnf4j.spark;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.cnf4j.data.DataException;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelFileException;

/** Reading model files and tables, and writing tables, on any Hadoop file system Spark can reach. */
public final class SparkIo {

    /** Largest model file read (a model is far smaller; this bounds what a wrong path can cost). */
    public static final long MAX_MODEL_BYTES = 1L << 30;

    private SparkIo() {}

    /** The bytes of a model file, checked (one {@link ModelFileException} naming the path). */
    public static byte[] readModel(SparkSession spark, String path) {
        Path p = new Path(path);
        byte[] bytes;
        try {
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(p)) {
                throw new ModelFileException(path + ": no such file");
            }
            long size = fs.getFileStatus(p).getLen();
            if (size > MAX_MODEL_BYTES) {
                throw new ModelFileException(path + ": " + size + " bytes, larger than any model file");
            }
            try (InputStream in = fs.open(p)) {
                bytes = in.readAllBytes();
            }
        } catch (IOException e) {
            throw new ModelFileException(path + ": cannot be read (" + e.getMessage() + ")", e);
        }
        ModelFile.load(bytes, path);
        return bytes;
    }

    /**
     * Copies a model file written on the driver to {@code path} on its file system: written beside
     * it under a hidden name, then renamed over it, so a reader never sees a partial file.
     */
    public static void writeModel(SparkSession spark, java.nio.file.Path local, String path) {
        Path target = new Path(path);
        try {
            FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
            Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp");
            fs.copyFromLocalFile(false, true, new Path(local.toUri()), tmp);
            if (fs.exists(target) && !fs.delete(target, false)) {
                throw new IOException("cannot replace " + target);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + path + " (" + e.getMessage() + ")", e);
        }
    }

    /** The format of a path: the given one, else by extension (.csv, .tsv: CSV; otherwise Parquet). */
    public static String format(String path, String given) {
        if (given != null) {
            String f = given.toLowerCase(Locale.ROOT);
            if (!f.equals("csv") && !f.equals("parquet")) {
                throw new IllegalArgumentException("format must be csv or parquet, got " + given);
            }
            return f;
        }
        String lower = path.toLowerCase(Locale.ROOT);
        return lower.endsWith(".csv") || lower.endsWith(".tsv") ? "csv" : "parquet";
    }

    /** A table: CSV with a header row (numbers inferred; empty cells and NA are null) or Parquet. */
    public static Dataset<Row> read(SparkSession spark, String path, String format) {
        if (format.equals("csv")) {
            // NA (R's missing value) reads as null, as empty cells do; NaN as Double.NaN
            return spark.read()
                    .option("header", true)
                    .option("inferSchema", true)
                    .option("nullValue", "NA")
                    .option("sep", path.toLowerCase(Locale.ROOT).endsWith(".tsv") ? "\t" : ",")
                    .csv(path);
        }
        return spark.read().parquet(path);
    }

    /**
     * Checks on the driver, before any task runs, that the numeric columns hold no missing or
     * non-finite value (a task failing on one would be retried by Spark to no avail): one pass
     * that stops at the first bad row.
     *
     * @param source what to name the data in the message (a file), or "" for nothing
     * @param hint what to add to the message (how to go on), or ""
     * @throws DataException naming the column and the value of the first bad row found
     */
    public static void requireFinite(Dataset<Row> df, List<String> columns, String source, String hint) {
        org.apache.spark.sql.Column bad = functions.lit(false);
        for (String c : columns) {
            org.apache.spark.sql.Column col = df.col(c);
            bad = bad.or(col.isNull())
                    .or(functions.isnan(col))
                    .or(col.equalTo(Double.POSITIVE_INFINITY))
                    .or(col.equalTo(Double.NEGATIVE_INFINITY));
        }
        List<Row> found = df.select(columns.stream().map(df::col).toArray(org.apache.spark.sql.Column[]::new))
                .where(bad)
                .limit(1)
                .collectAsList();
        if (found.isEmpty()) {
            return;
        }
        Row r = found.get(0);
        for (int j = 0; j < columns.size(); j++) {
            String what = r.isNullAt(j) ? "is null (a missing value)" : null;
            if (what == null) {
                double v = ((Number) r.get(j)).doubleValue();
                what = Double.isFinite(v) ? null : "holds " + v + ", not a finite value";
            }
            if (what != null) {
                throw new DataException((source.isEmpty() ? "" : source + ": ") + "column '" + columns.get(j) + "' "
                        + what + " in a row" + hint);
            }
        }
    }

    /**
     * Writes a table as a folder of part files through Spark's output committer. An existing
     * output is an error naming {@code --overwrite} unless {@code overwrite}; an existing empty
     * folder is reused. A failed job leaves no output folder behind (the folder it created is
     * removed), so the same command can be run again as it was.
     */
    public static void write(Dataset<Row> df, String path, String format, boolean overwrite) {
        Path out = new Path(path);
        FileSystem fs;
        boolean existed;
        try {
            fs = out.getFileSystem(df.sparkSession().sparkContext().hadoopConfiguration());
            existed = fs.exists(out);
            if (existed && !overwrite) {
                if (fs.getFileStatus(out).isDirectory() && fs.listStatus(out).length == 0) {
                    fs.delete(out, false);
                    existed = false;
                } else {
                    throw new DataException(path + " already exists; give --overwrite to replace it");
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(path + ": " + e.getMessage(), e);
        }
        DataFrameWriter<Row> w = df.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists);
        try {
            if (format.equals("csv")) {
                w.option("header", true).csv(path);
            } else {
                w.parquet(path);
            }
        } catch (RuntimeException e) {
            if (!existed) {
                try {
                    fs.delete(out, true);
                } catch (java.io.IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
    }
}
