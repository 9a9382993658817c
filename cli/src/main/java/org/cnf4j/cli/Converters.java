package org.cnf4j.cli;

import org.cnf4j.nn.Activation;
import org.cnf4j.nn.LayerType;
import org.cnf4j.ode.RungeKuttaMethod;
import org.cnf4j.trace.TraceEstimator;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option value converters: a bad value is a usage error (exit code 2) with the choices named. */
final class Converters {

    private Converters() {}

    private static <T> T convert(java.util.function.Function<String, T> f, String value) {
        try {
            return f.apply(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** tanh, softplus, elu, swish. */
    static final class ActivationConverter implements ITypeConverter<Activation> {
        @Override
        public Activation convert(String value) {
            return Converters.convert(Activation::byName, value);
        }
    }

    /** concatsquash, concat, ignore. */
    static final class LayerTypeConverter implements ITypeConverter<LayerType> {
        @Override
        public LayerType convert(String value) {
            return Converters.convert(LayerType::byName, value);
        }
    }

    /** A duration: a number with s, m or h (90s, 2m, 1.5h), or plain seconds; in seconds. */
    static final class DurationConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([smh]?)")
                    .matcher(value.trim().toLowerCase(java.util.Locale.ROOT));
            if (!m.matches()) {
                throw new picocli.CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration; expected e.g. " + "90s, 2m or 1h");
            }
            double n = Double.parseDouble(m.group(1));
            double seconds = switch (m.group(2)) {
                case "m" -> n * 60;
                case "h" -> n * 3600;
                default -> n;
            };
            try {
                org.cnf4j.settings.SettingCheck.seconds("the duration", seconds);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "': " + e.getMessage());
            }
            return seconds;
        }
    }

    /** fail, drop-rows. */
    static final class MissingValuesConverter implements ITypeConverter<org.cnf4j.data.MissingValues> {
        @Override
        public org.cnf4j.data.MissingValues convert(String value) {
            return Converters.convert(org.cnf4j.data.MissingValues::byName, value);
        }
    }

    /** euler, midpoint, rk4, bosh3, dopri5, tsit5. */
    static final class SolverConverter implements ITypeConverter<RungeKuttaMethod> {
        @Override
        public RungeKuttaMethod convert(String value) {
            return Converters.convert(RungeKuttaMethod::byName, value);
        }
    }

    /** exact, hutchinson, rademacher. */
    static final class TraceConverter implements ITypeConverter<TraceEstimator> {
        @Override
        public TraceEstimator convert(String value) {
            return Converters.convert(TraceEstimator::byName, value);
        }
    }

    /** adjoint, direct. */
    static final class GradientConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!value.equals("adjoint") && !value.equals("direct")) {
                throw new TypeConversionException(
                        "unknown gradient method '" + value + "'; expected adjoint or direct");
            }
            return value;
        }
    }

    /** A closed interval [min, max] given as MIN:MAX. */
    record Range(double min, double max) {}

    /** An image shape HEIGHTxWIDTH. */
    record ImageShape(int height, int width) {
        int[] toArray() {
            return new int[] {height, width};
        }

        /**
         * The model's recorded image layout (with its grey scale) when {@code shape} is null or
         * the same shape; null when the model records none or another shape is asked for.
         */
        static org.cnf4j.io.ImageLayout recorded(org.cnf4j.io.ModelMetadata metadata, ImageShape shape) {
            org.cnf4j.io.ImageLayout layout = metadata.image();
            return layout != null
                            && (shape == null || (shape.height == layout.height() && shape.width == layout.width()))
                    ? layout
                    : null;
        }
    }

    /** A range a:b with a &lt; b. */
    static final class RangeConverter implements ITypeConverter<Range> {
        @Override
        public Range convert(String value) {
            String[] parts = value.split(":");
            try {
                if (parts.length == 2) {
                    double a = Double.parseDouble(parts[0].trim());
                    double b = Double.parseDouble(parts[1].trim());
                    // a range so narrow that its grid steps cannot be told apart in double is refused too
                    if (a < b
                            && Double.isFinite(a)
                            && Double.isFinite(b)
                            && Double.isFinite(b - a)
                            && b - a > 1e-9 * Math.max(Math.abs(a), Math.abs(b))
                            && b - a >= 1e-200) {
                        return new Range(a, b);
                    }
                }
            } catch (NumberFormatException e) {
                // fall through
            }
            throw new TypeConversionException("a range is MIN:MAX with finite MIN < MAX and MAX - MIN at least 1e-200"
                    + " and 1e-9 of their size, e.g. -4:4; got '" + value + "'");
        }
    }

    /** An image shape HxW. */
    static final class ImageShapeConverter implements ITypeConverter<ImageShape> {
        @Override
        public ImageShape convert(String value) {
            int[] hw = Converters.convert(org.cnf4j.sample.ImageGrid::parseShape, value);
            return new ImageShape(hw[0], hw[1]);
        }
    }
}
