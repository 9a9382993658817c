package org.cnf4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads numeric CSV files with a header row: comma or tab separated (decided by the header line),
 * an optional choice of columns by name or 0-based index, empty lines ignored. Every value must
 * be a finite number; the first problem is reported with file, line (1-based, the header is line
 * 1) and column.
 */
public final class CsvReader {

    private CsvReader() {
    }

    /**
     * Reads the file.
     *
     * @param file the CSV file
     * @param columns names or 0-based indices of the columns to keep, or null/empty for all
     * @throws DataException for a missing file or bad content
     */
    public static Dataset read(Path file, List<String> columns) {
        List<double[]> rows = new ArrayList<>();
        List<String> header;
        int[] keep;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String first = in.readLine();
            int lineNo = 1;
            while (first != null && first.isBlank()) {
                first = in.readLine();
                lineNo++;
            }
            if (first == null) {
                throw new DataException(file + ": the file is empty (a header row is needed)");
            }
            String sep = first.contains("\t") ? "\t" : ",";
            header = new ArrayList<>();
            for (String h : first.split(sep, -1)) {
                header.add(unquote(h.trim()));
            }
            keep = select(file, header, columns);
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(sep, -1);
                if (cells.length != header.size()) {
                    throw new DataException(String.format("%s, line %d: %d values, but the header has %d columns",
                            file, lineNo, cells.length, header.size()));
                }
                double[] row = new double[keep.length];
                for (int c = 0; c < keep.length; c++) {
                    String cell = unquote(cells[keep[c]].trim());
                    double v;
                    try {
                        v = Double.parseDouble(cell);
                    } catch (NumberFormatException e) {
                        throw new DataException(String.format("%s, line %d, column %d (%s): '%s' is not a number",
                                file, lineNo, keep[c] + 1, header.get(keep[c]), cell));
                    }
                    if (!Double.isFinite(v)) {
                        throw new DataException(String.format("%s, line %d, column %d (%s): %s is not a finite value",
                                file, lineNo, keep[c] + 1, header.get(keep[c]), cell));
                    }
                    row[c] = v;
                }
                rows.add(row);
            }
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file");
        } catch (IOException e) {
            throw new DataException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (rows.isEmpty()) {
            throw new DataException(file + ": no data rows after the header");
        }
        List<String> names = new ArrayList<>();
        for (int k : keep) {
            names.add(header.get(k));
        }
        double[][] matrix = rows.toArray(new double[0][]);
        return new Dataset(Nd4j.create(matrix).castTo(DataType.DOUBLE), names, file.getFileName().toString());
    }

    private static int[] select(Path file, List<String> header, List<String> columns) {
        if (columns == null || columns.isEmpty()) {
            int[] all = new int[header.size()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] keep = new int[columns.size()];
        for (int i = 0; i < keep.length; i++) {
            String c = columns.get(i).trim();
            int idx = header.indexOf(c);
            if (idx < 0 && c.matches("\\d+")) {
                idx = Integer.parseInt(c);
                if (idx >= header.size()) {
                    idx = -1;
                }
            }
            if (idx < 0) {
                throw new DataException(file + ": no column '" + c + "'; the header has " + header);
            }
            keep[i] = idx;
        }
        return keep;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}
