package org.cnf4j.data;

import java.util.Locale;
import java.util.random.RandomGenerator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * FFJORD's eight 2-D toy distributions (lib/toy_data.py of Grathwohl et al.), written from their
 * definitions (moons, circles and swissroll as scikit-learn's make_moons, make_circles and
 * make_swiss_roll with FFJORD's noise and scaling). Every draw comes from the given seeded stream.
 */
public enum ToyDataset {

    /** Eight Gaussians (sd 0.5) on a circle of radius 4, all divided by 1.414. */
    EIGHT_GAUSSIANS("8gaussians"),
    /** Uniform on alternating squares of a 4 x 4 checkerboard on [-4, 4]^2. */
    CHECKERBOARD("checkerboard"),
    /** Two interleaved spirals with noise. */
    TWO_SPIRALS("2spirals"),
    /** Five curved arms (radial sd 0.3, tangential 0.1, rate 0.25), times 2. */
    PINWHEEL("pinwheel"),
    /** Four concentric rings of radius 3, 2.25, 1.5 and 0.75 with noise 0.08. */
    RINGS("rings"),
    /** Two interleaving half circles (noise 0.1), times 2, shifted by (-1, -0.2). */
    MOONS("moons"),
    /** Two circles of radius 3 and 1.5 (noise 0.08 before scaling). */
    CIRCLES("circles"),
    /** The (x, z) coordinates of a swiss roll (noise 1), divided by 5. */
    SWISSROLL("swissroll");

    private final String id;

    ToyDataset(String id) {
        this.id = id;
    }

    /** FFJORD's name, e.g. {@code 8gaussians}. */
    public String id() {
        return id;
    }

    /** True when {@code name} names a toy set. */
    public static boolean isToy(String name) {
        for (ToyDataset t : values()) {
            if (t.id.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** The toy set of that name. */
    public static ToyDataset byName(String name) {
        for (ToyDataset t : values()) {
            if (t.id.equalsIgnoreCase(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        StringBuilder known = new StringBuilder();
        for (ToyDataset t : values()) {
            known.append(known.length() == 0 ? "" : ", ").append(t.id);
        }
        throw new IllegalArgumentException("unknown toy data set '" + name + "'; expected one of " + known);
    }

    /** n points, [n, 2] DOUBLE. */
    public INDArray sample(int n, RandomGenerator r) {
        if (n < 1) {
            throw new IllegalArgumentException("need at least one sample, got " + n);
        }
        double[][] p = new double[n][];
        switch (this) {
            case EIGHT_GAUSSIANS: {
                double s = 1 / Math.sqrt(2);
                double[][] centers = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {s, s}, {s, -s}, {-s, s}, {-s, -s}};
                for (int i = 0; i < n; i++) {
                    double x = r.nextGaussian() * 0.5;
                    double y = r.nextGaussian() * 0.5;
                    double[] c = centers[r.nextInt(8)];
                    p[i] = new double[] {(x + 4 * c[0]) / 1.414, (y + 4 * c[1]) / 1.414};
                }
                break;
            }
            case CHECKERBOARD:
                for (int i = 0; i < n; i++) {
                    double x1 = r.nextDouble() * 4 - 2;
                    double x2 = r.nextDouble() - r.nextInt(2) * 2 + Math.floorMod((long) Math.floor(x1), 2L);
                    p[i] = new double[] {2 * x1, 2 * x2};
                }
                break;
            case TWO_SPIRALS:
                for (int i = 0; i < n; i++) {
                    double t = Math.sqrt(r.nextDouble()) * 540 * (2 * Math.PI) / 360;
                    double sign = i % 2 == 0 ? 1 : -1;
                    double x = sign * (-Math.cos(t) * t + r.nextDouble() * 0.5);
                    double y = sign * (Math.sin(t) * t + r.nextDouble() * 0.5);
                    p[i] = new double[] {x / 3 + r.nextGaussian() * 0.1, y / 3 + r.nextGaussian() * 0.1};
                }
                break;
            case PINWHEEL:
                for (int i = 0; i < n; i++) {
                    int label = i % 5;
                    double f0 = r.nextGaussian() * 0.3 + 1.0;
                    double f1 = r.nextGaussian() * 0.1;
                    double angle = 2 * Math.PI * label / 5 + 0.25 * Math.exp(f0);
                    double c = Math.cos(angle);
                    double s = Math.sin(angle);
                    p[i] = new double[] {2 * (f0 * c + f1 * s), 2 * (-f0 * s + f1 * c)};
                }
                break;
            case RINGS: {
                int n4 = n / 4;
                int n1 = n - 3 * n4;
                int[] counts = {n4, n4, n4, n1};
                double[] radii = {1.0, 0.75, 0.5, 0.25};
                int k = 0;
                for (int ring = 0; ring < 4; ring++) {
                    for (int j = 0; j < counts[ring]; j++, k++) {
                        // as FFJORD: the 0.75 ring takes its x angles from the first ring's grid
                        double ax = 2 * Math.PI * j / (ring == 1 ? counts[0] : counts[ring]);
                        double ay = 2 * Math.PI * j / counts[ring];
                        p[k] = new double[] {3 * radii[ring] * Math.cos(ax), 3 * radii[ring] * Math.sin(ay)};
                    }
                }
                shuffle(p, r);
                for (double[] q : p) {
                    q[0] += r.nextGaussian() * 0.08;
                    q[1] += r.nextGaussian() * 0.08;
                }
                break;
            }
            case MOONS: {
                int out = n / 2;
                int in = n - out;
                for (int j = 0; j < out; j++) {
                    double a = out == 1 ? 0 : Math.PI * j / (out - 1);
                    p[j] = new double[] {Math.cos(a), Math.sin(a)};
                }
                for (int j = 0; j < in; j++) {
                    double a = in == 1 ? 0 : Math.PI * j / (in - 1);
                    p[out + j] = new double[] {1 - Math.cos(a), 1 - Math.sin(a) - 0.5};
                }
                shuffle(p, r);
                for (double[] q : p) {
                    q[0] = 2 * (q[0] + r.nextGaussian() * 0.1) - 1;
                    q[1] = 2 * (q[1] + r.nextGaussian() * 0.1) - 0.2;
                }
                break;
            }
            case CIRCLES: {
                int out = n / 2;
                int in = n - out;
                for (int j = 0; j < out; j++) {
                    double a = 2 * Math.PI * j / out;
                    p[j] = new double[] {Math.cos(a), Math.sin(a)};
                }
                for (int j = 0; j < in; j++) {
                    double a = 2 * Math.PI * j / in;
                    p[out + j] = new double[] {0.5 * Math.cos(a), 0.5 * Math.sin(a)};
                }
                shuffle(p, r);
                for (double[] q : p) {
                    q[0] = 3 * (q[0] + r.nextGaussian() * 0.08);
                    q[1] = 3 * (q[1] + r.nextGaussian() * 0.08);
                }
                break;
            }
            default:
                for (int i = 0; i < n; i++) {
                    double t = 1.5 * Math.PI * (1 + 2 * r.nextDouble());
                    double x = t * Math.cos(t) + r.nextGaussian();
                    double z = t * Math.sin(t) + r.nextGaussian();
                    p[i] = new double[] {x / 5, z / 5};
                }
                break;
        }
        return Nd4j.create(p).castTo(DataType.DOUBLE);
    }

    private static void shuffle(double[][] p, RandomGenerator r) {
        for (int i = p.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            double[] t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
    }
}
