package dev.ember.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PaginationTest {

    @Test
    void limitDefaultsToTheMaximumAndIsCapped() {
        assertThat(Pagination.limit(Pagination.parse(""), 1000)).isEqualTo(1000);
        assertThat(Pagination.limit(Pagination.parse("limit=5000"), 1000)).isEqualTo(1000);
        assertThat(Pagination.limit(Pagination.parse("limit=0"), 1000)).isZero();
    }

    @Test
    void badLimitsAreCindersMessages() {
        assertThatThrownBy(() -> Pagination.limit(Pagination.parse("limit=x"), 1000)).hasMessage("limit param must be an integer");
        assertThatThrownBy(() -> Pagination.limit(Pagination.parse("limit=-1"), 1000)).hasMessage("limit param must be positive");
    }

    @Test
    void sortParsesKeysAndDirections() {
        Map<String, String> params = Pagination.parse("sort=name:asc,size");
        assertThat(Pagination.sort(params)).containsExactly(new Pagination.Sort("name", "asc"), new Pagination.Sort("size", "desc"));
        assertThatThrownBy(() -> Pagination.sort(Pagination.parse("sort=a&sort_key=b")))
                .hasMessageContaining("cannot be used with the 'sort' parameter");
        assertThatThrownBy(() -> Pagination.sort(Pagination.parse("sort=a:sideways")))
                .hasMessage("Invalid input received: Unknown sort direction, must be 'desc' or 'asc'.");
    }

    @Test
    void nextLinkKeepsTheQueryAndSetsTheMarker() {
        assertThat(Pagination.nextQuery("limit=1", "abc")).isEqualTo("limit=1&marker=abc");
        assertThat(Pagination.nextQuery("limit=1&marker=old&name=a b", "new")).isEqualTo("limit=1&marker=new&name=a+b");
    }
}
