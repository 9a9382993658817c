package org.cnf4j.settings;

import java.time.Duration;
import java.util.Locale;

/**
 * Checks of one numeric setting each: finite and in its range, with durations that cannot
 * overflow. A failed check is an {@link IllegalArgumentException} whose message starts with the
 * setting's name ({@code "learningRate must be a finite number above 0 (got Infinity)"}), so a
 * front end can name its own option instead ({@link #renamed}).
 */
public final class SettingCheck {

    /** The longest time budget accepted: 366 days (a longer one would overflow nanoseconds in places). */
    public static final Duration MAX_DURATION = Duration.ofDays(366);

    private SettingCheck() {}

    private static IllegalArgumentException bad(String name, String what, Object value) {
        return new IllegalArgumentException(name + " must be " + what + " (got " + value + ")");
    }

    /** A finite number above 0. */
    public static double positive(String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw bad(name, "a finite number above 0", value);
        }
        return value;
    }

    /** A finite number at least 0. */
    public static double nonNegative(String name, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw bad(name, "a finite number at least 0", value);
        }
        return value;
    }

    /** A number in [low, high). */
    public static double inHalfOpen(String name, double value, double low, double high) {
        if (!(value >= low && value < high)) {
            throw bad(name, String.format(Locale.ROOT, "in [%s, %s)", format(low), format(high)), value);
        }
        return value;
    }

    /** A number in [low, high]. */
    public static double inClosed(String name, double value, double low, double high) {
        if (!(value >= low && value <= high)) {
            throw bad(name, String.format(Locale.ROOT, "in [%s, %s]", format(low), format(high)), value);
        }
        return value;
    }

    /** An integer in [low, high]. */
    public static int inRange(String name, int value, int low, int high) {
        if (value < low || value > high) {
            throw bad(name, high == Integer.MAX_VALUE ? "at least " + low : "in [" + low + ", " + high + "]", value);
        }
        return value;
    }

    /** An integer at least {@code low}. */
    public static int atLeast(String name, int value, int low) {
        return inRange(name, value, low, Integer.MAX_VALUE);
    }

    /** A duration above 0 and at most {@link #MAX_DURATION}. */
    public static Duration duration(String name, Duration value) {
        if (value.isNegative() || value.isZero() || value.compareTo(MAX_DURATION) > 0) {
            throw bad(name, "above 0 and at most " + MAX_DURATION.toDays() + " days", describe(value));
        }
        return value;
    }

    /** Seconds as a duration, checked as {@link #duration}: finite, above 0, at most {@link #MAX_DURATION}. */
    public static Duration seconds(String name, double seconds) {
        if (!(seconds > 0) || !(seconds <= MAX_DURATION.toSeconds())) {
            throw bad(name, "above 0 and at most " + MAX_DURATION.toDays() + " days", format(seconds) + " s");
        }
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    /**
     * The message of a failed check with the setting's name replaced by a front end's name for it
     * (e.g. {@code learningRate} by {@code --lr}); other messages are returned as they are.
     */
    public static String renamed(String message, java.util.Map<String, String> names) {
        int space = message.indexOf(' ');
        if (space > 0 && names.containsKey(message.substring(0, space))) {
            return names.get(message.substring(0, space)) + message.substring(space);
        }
        return message;
    }

    private static String describe(Duration d) {
        return d.getSeconds() >= 86_400 ? d.toDays() + " days" : d.toString();
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
