package org.cnf4j.ode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Named parts of one flat state vector: the continuous normalizing flow keeps z [batch, dim],
 * the log-density change [batch], adjoints and parameter adjoints [P] in one INDArray, and a
 * layout hands out views of each part. Parts are stored one after another in the order they
 * were added. Immutable.
 *
 * <pre>{@code
 * StateLayout layout = StateLayout.builder().add("z", 512, 2).add("logp", 512).build();
 * INDArray y = layout.allocate(DataType.DOUBLE);      // [1536]
 * INDArray z = layout.view(y, "z");                    // [512, 2] view into y
 * }</pre>
 */
public final class StateLayout {

    /** One named part: its offset into the flat state, its length and its shape. */
    public record Part(String name, long offset, long[] shape) {
        /** Number of elements. */
        public long length() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /** Index one past the last element of this part. */
        public long end() {
            return offset + length();
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape) + "@" + offset;
        }
    }

    private final Map<String, Part> parts;
    private final long size;

    private StateLayout(Map<String, Part> parts, long size) {
        this.parts = Collections.unmodifiableMap(parts);
        this.size = size;
    }

    /** A builder that appends parts in order. */
    public static Builder builder() {
        return new Builder();
    }

    /** Total number of elements of the flat state. */
    public long size() {
        return size;
    }

    /** The parts in storage order. */
    public List<Part> parts() {
        return new ArrayList<>(parts.values());
    }

    /** True if a part of that name exists. */
    public boolean has(String name) {
        return parts.containsKey(name);
    }

    /** The part of that name. */
    public Part part(String name) {
        Part p = parts.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no state part named '" + name + "'; parts: " + parts.keySet());
        }
        return p;
    }

    /** Offset of the named part in the flat state. */
    public long offset(String name) {
        return part(name).offset();
    }

    /** Number of elements of the named part. */
    public long length(String name) {
        return part(name).length();
    }

    /** A new zero state of this layout, shape [size]. */
    public INDArray allocate(DataType type) {
        return Nd4j.zeros(type, size);
    }

    /**
     * A view of the named part of a flat state (any array of {@link #size()} contiguous
     * elements), shaped as the part was declared. Writes through the view change the state.
     */
    public INDArray view(INDArray state, String name) {
        if (state.length() != size) {
            throw new IllegalArgumentException("state has " + state.length() + " elements, layout needs " + size);
        }
        Part p = part(name);
        INDArray flat = state.reshape(size);
        return flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(p.offset(), p.end()))
                .reshape(p.shape());
    }

    @Override
    public String toString() {
        return "StateLayout" + parts.values();
    }

    /** Appends named parts. */
    public static final class Builder {
        private final Map<String, Part> parts = new LinkedHashMap<>();
        private long size;

        /** Appends a part of the given shape (at least one dimension, all positive). */
        public Builder add(String name, long... shape) {
            if (parts.containsKey(name)) {
                throw new IllegalArgumentException("duplicate state part '" + name + "'");
            }
            if (shape.length == 0) {
                throw new IllegalArgumentException("part '" + name + "' needs a shape");
            }
            for (long d : shape) {
                if (d <= 0) {
                    throw new IllegalArgumentException("part '" + name + "' has a non-positive dimension");
                }
            }
            Part p = new Part(name, size, shape.clone());
            parts.put(name, p);
            size += p.length();
            return this;
        }

        /** The layout. */
        public StateLayout build() {
            return new StateLayout(new LinkedHashMap<>(parts), size);
        }
    }
}
