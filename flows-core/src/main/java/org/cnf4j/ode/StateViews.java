package org.cnf4j.ode;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Views of every part of a {@link StateLayout} for the state arrays a solver hands to a
 * right-hand side, made once per array and cached by identity. Creating an ND4J view costs
 * several microseconds, so a hot right-hand side should not make new ones at every call; the
 * solver reuses a handful of buffers, so the cache stays small. Not thread-safe.
 */
public final class StateViews {

    private static final int MAX_CACHED = 64;

    private final StateLayout layout;
    private final List<StateLayout.Part> parts;
    private final Map<INDArray, INDArray[]> cache = new IdentityHashMap<>();

    /** Views of every part of the given layout. */
    public StateViews(StateLayout layout) {
        this.layout = layout;
        this.parts = layout.parts();
    }

    /** Views of the named parts only (in the given order): fewer views to make per buffer. */
    public StateViews(StateLayout layout, String... names) {
        this.layout = layout;
        this.parts = new java.util.ArrayList<>();
        for (String n : names) {
            this.parts.add(layout.part(n));
        }
    }

    /**
     * The views of one layout kept by an owner (a flow, a gradient method) whose solvers reuse
     * their buffers: made once per layout and buffer, not at every solve.
     */
    public static final class Cache {
        private final Map<String, StateViews> byLayout = new java.util.HashMap<>();

        /** The views of the named parts of the layout (all parts when none are named). */
        public StateViews get(StateLayout layout, String... names) {
            String key = layout + java.util.Arrays.toString(names);
            if (byLayout.size() > 16 && !byLayout.containsKey(key)) {
                byLayout.clear();
            }
            return byLayout.computeIfAbsent(
                    key, k -> names.length == 0 ? new StateViews(layout) : new StateViews(layout, names));
        }
    }

    /** The layout. */
    public StateLayout layout() {
        return layout;
    }

    /** Index of the named part in the arrays returned by {@link #of}. */
    public int index(String name) {
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no state part named '" + name + "'");
    }

    /** Views of the parts of {@code state} this object covers, in its order. */
    public INDArray[] of(INDArray state) {
        INDArray[] views = cache.get(state);
        if (views == null) {
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            views = new INDArray[parts.size()];
            for (int i = 0; i < views.length; i++) {
                views[i] = layout.view(state, parts.get(i).name());
            }
            cache.put(state, views);
        }
        return views;
    }
}
