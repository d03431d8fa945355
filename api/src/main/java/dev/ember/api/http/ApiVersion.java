package dev.ember.api.http;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Block Storage API microversion, {@code 3.N}. The server serves every version from {@link #MIN}
 * to {@link #MAX}; {@link #MAX} is what the version document advertises, so it only ever names what is
 * implemented.
 */
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {

    private static final Pattern FORMAT = Pattern.compile("^([1-9]\\d*)\\.([1-9]\\d*|0)$");

    public static final ApiVersion MIN = new ApiVersion(3, 0);
    /** The highest microversion served. */
    public static final ApiVersion MAX = new ApiVersion(3, 70);
    /** The date Cinder gives its highest version in the version document (3.70: Zed). */
    public static final String UPDATED = "2022-08-31T00:00:00Z";

    /**
     * Parses {@code 3.44}.
     *
     * @throws ApiException 400 with Cinder's message when the string is not {@code Major.Minor}
     */
    public static ApiVersion parse(String text) {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw ApiException.badRequest("API Version String " + text
                    + " is of invalid format. Must be of format MajorNum.MinorNum.");
        }
        try {
            return new ApiVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("API Version String " + text
                    + " is of invalid format. Must be of format MajorNum.MinorNum.");
        }
    }

    /** Whether this version is at least {@code 3.minor}. */
    public boolean atLeast(int minorOfThree) {
        return major > 3 || major == 3 && minor >= minorOfThree;
    }

    @Override
    public int compareTo(ApiVersion other) {
        return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
