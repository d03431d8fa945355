package dev.ember.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The literals of Cinder's list filters, and what is not one (then the filter keeps the raw string). */
class PythonLiteralTest {

    @Test
    void numbersStringsListsAndDictsAreLiterals() {
        assertThat(PythonLiteral.eval("1")).isEqualTo(1L);
        assertThat(PythonLiteral.eval("-2.5")).isEqualTo(-2.5);
        assertThat(PythonLiteral.eval("1e3")).isEqualTo(1000.0);
        assertThat(PythonLiteral.eval("'a'")).isEqualTo("a");
        assertThat(PythonLiteral.eval("['a', 'b']")).isEqualTo(List.of("a", "b"));
        assertThat(PythonLiteral.eval("{'k': 'v'}")).isEqualTo(Map.of("k", "v"));
    }

    @Test
    void aNumberNoColumnCanHoldIsNotOne() {
        // found by HostileInputIT: availability_zone=1e400 was bound as Infinity, a 500 from MariaDB
        assertThat(PythonLiteral.eval("1e400")).isNull();
        assertThat(PythonLiteral.eval("-1e400")).isNull();
        assertThat(PythonLiteral.eval("available")).isNull();
    }
}
