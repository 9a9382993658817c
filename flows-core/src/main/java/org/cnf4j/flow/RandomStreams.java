package org.cnf4j.flow;

import java.util.SplittableRandom;

/**
 * Named, independent random streams derived from one run seed ("init", "data", "noise", ...),
 * so that every random source of a run is reproducible from its seed and changing how one
 * stream is used does not shift the others. Deterministic across JVMs.
 */
public final class RandomStreams {

    private RandomStreams() {}

    /** The stream of that name for the given run seed. */
    public static SplittableRandom stream(long seed, String name) {
        return new SplittableRandom(hash(seed, name));
    }

    /**
     * The stream of that name and index (e.g. one per sample, so that sample i depends on the
     * seed and i alone, whichever machine or chunk draws it).
     */
    public static SplittableRandom stream(long seed, String name, long index) {
        return new SplittableRandom(mix(hash(seed, name) + 0x9e3779b97f4a7c15L * (index + 1)));
    }

    private static long hash(long seed, String name) {
        long h = mix(seed);
        for (int i = 0; i < name.length(); i++) {
            h = mix(h ^ name.charAt(i));
        }
        return h;
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
