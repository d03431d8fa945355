package dev.ember.common.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Time as the database keeps it: {@code DATETIME(6)} columns hold UTC wall-clock time with microseconds.
 * Values are bound as text ({@code 2026-11-24 08:00:22.123456}) and read as {@link LocalDateTime}: no
 * driver or JVM time zone can shift them, and the microseconds survive (MySQL Connector/J drops
 * fractional seconds of bound date-times when the server is MariaDB, whose handshake says "5.5.5").
 */
public final class Timestamps {

    /** Cinder's API rendering of a datetime: ISO-8601 with microseconds and no zone. */
    private static final DateTimeFormatter CINDER = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

    private Timestamps() {
    }

    /** Now, truncated to the microseconds a {@code DATETIME(6)} column keeps. */
    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static final DateTimeFormatter DB = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    /** The value to bind for a {@code DATETIME(6)} column. */
    public static String toDb(Instant instant) {
        return instant == null ? null : DB.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    /** A value read from the database made safe to bind again: date-times keep their microseconds. */
    public static Object bindable(Object value) {
        if (value instanceof LocalDateTime ldt) {
            return DB.format(ldt);
        }
        if (value instanceof java.sql.Timestamp ts) {
            return DB.format(ts.toLocalDateTime());
        }
        return value;
    }

    public static Instant read(ResultSet rs, String column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

    /** {@code 2026-11-24T08:00:22.123456}, or null. */
    public static String format(Instant instant) {
        return instant == null ? null : CINDER.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
    }
}
