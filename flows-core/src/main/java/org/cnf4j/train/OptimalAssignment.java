package org.cnf4j.train;

import java.util.Arrays;

/**
 * Exact linear assignment (the Hungarian method with row and column potentials and shortest
 * augmenting paths, O(n^3)): the permutation sigma minimising {@code sum_i cost[i][sigma(i)]}.
 * Used by flow matching to pair base draws with data rows within a batch (minibatch optimal
 * transport, Tong et al. 2024); a batch of 512 takes a few tens of milliseconds.
 */
public final class OptimalAssignment {

    private OptimalAssignment() {}

    /**
     * The optimal assignment of an n x n cost matrix.
     *
     * @param cost row-major [n * n], finite
     * @param n the size
     * @return column of each row
     */
    public static int[] solve(double[] cost, int n) {
        if (cost.length != (long) n * n) {
            throw new IllegalArgumentException(
                    "cost must have n * n = " + (long) n * n + " entries, got " + cost.length);
        }
        for (double c : cost) {
            if (!Double.isFinite(c)) {
                throw new IllegalArgumentException("assignment costs must be finite");
            }
        }
        // 1-based: rowOf[j] is the row matched to column j, column 0 is the augmenting path's root
        double[] u = new double[n + 1];
        double[] v = new double[n + 1];
        int[] rowOf = new int[n + 1];
        int[] previous = new int[n + 1];
        double[] slack = new double[n + 1];
        boolean[] visited = new boolean[n + 1];
        for (int i = 1; i <= n; i++) {
            rowOf[0] = i;
            int col = 0;
            Arrays.fill(slack, Double.POSITIVE_INFINITY);
            Arrays.fill(visited, false);
            do {
                visited[col] = true;
                int row = rowOf[col];
                double delta = Double.POSITIVE_INFINITY;
                int next = 0;
                int base = (row - 1) * n - 1;
                for (int j = 1; j <= n; j++) {
                    if (!visited[j]) {
                        double reduced = cost[base + j] - u[row] - v[j];
                        if (reduced < slack[j]) {
                            slack[j] = reduced;
                            previous[j] = col;
                        }
                        if (slack[j] < delta) {
                            delta = slack[j];
                            next = j;
                        }
                    }
                }
                for (int j = 0; j <= n; j++) {
                    if (visited[j]) {
                        u[rowOf[j]] += delta;
                        v[j] -= delta;
                    } else {
                        slack[j] -= delta;
                    }
                }
                col = next;
            } while (rowOf[col] != 0);
            do {
                int prev = previous[col];
                rowOf[col] = rowOf[prev];
                col = prev;
            } while (col != 0);
        }
        int[] assignment = new int[n];
        for (int j = 1; j <= n; j++) {
            assignment[rowOf[j] - 1] = j - 1;
        }
        return assignment;
    }

    /** Total cost of an assignment. */
    public static double cost(double[] cost, int n, int[] assignment) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += cost[i * n + assignment[i]];
        }
        return s;
    }
}
