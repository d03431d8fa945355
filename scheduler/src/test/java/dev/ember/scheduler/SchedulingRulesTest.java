package dev.ember.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.common.pool.PoolCapabilities;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cinder's capacity arithmetic, filters and operators, and our least-loaded weigher, on fixed numbers. */
class SchedulingRulesTest {

    private static BackendState pool(String name, String caps, long allocated, int volumes) {
        return new BackendState("h@" + name + "#" + name, "h@" + name, "nova", true, allocated, volumes,
                PoolCapabilities.parse(caps), java.time.Instant.now());
    }

    private static RequestSpec spec(int size, Map<String, String> extraSpecs) {
        return new RequestSpec("v", size, "nova", extraSpecs);
    }

    @Test
    void thinLimitIsReservedThenOverSubscribed() {
        BackendState thin = pool("a", "{\"total_capacity_gb\": 100, \"free_capacity_gb\": 100, \"reserved_percentage\": 10,"
                + "\"max_over_subscription_ratio\": 2.0, \"thin_provisioning_support\": true}", 50, 5);
        assertThat(CapacityMath.claimLimitGb(thin, true)).isEqualTo(180.0);
        assertThat(CapacityMath.virtualFreeGb(thin, true)).isEqualTo(130.0);
        assertThat(CapacityMath.claimLimitGb(thin, false)).isEqualTo(90.0);
    }

    @Test
    void thickFreeIsTheSmallerOfReportedAndClaimed() {
        BackendState thick = pool("a", "{\"total_capacity_gb\": 100, \"free_capacity_gb\": 30, \"reserved_percentage\": 0,"
                + "\"max_over_subscription_ratio\": 1.0, \"thick_provisioning_support\": true}", 50, 5);
        assertThat(CapacityMath.virtualFreeGb(thick, true)).isEqualTo(30.0);
        assertThat(BackendFilter.CAPACITY.passes(thick, spec(30, Map.of()))).isTrue();
        assertThat(BackendFilter.CAPACITY.passes(thick, spec(31, Map.of()))).isFalse();
    }

    @Test
    void capacityFilterRefusesPastTheOverSubscriptionRatio() {
        BackendState thin = pool("a", "{\"total_capacity_gb\": 10, \"free_capacity_gb\": 10, \"reserved_percentage\": 0,"
                + "\"max_over_subscription_ratio\": 2.0, \"thin_provisioning_support\": true}", 15, 3);
        assertThat(BackendFilter.CAPACITY.passes(thin, spec(5, Map.of()))).isTrue();
        assertThat(BackendFilter.CAPACITY.passes(thin, spec(6, Map.of()))).isFalse();
    }

    @Test
    void infiniteCapacityAlwaysPasses() {
        BackendState infinite = pool("a", "{\"total_capacity_gb\": \"infinite\", \"free_capacity_gb\": \"infinite\"}", 0, 0);
        assertThat(BackendFilter.CAPACITY.passes(infinite, spec(100000, Map.of()))).isTrue();
        assertThat(CapacityMath.claimLimitGb(infinite, true)).isInfinite();
    }

    @Test
    void capabilitiesFilterMatchesBackendNameAndIgnoresVendorScopes() {
        BackendState fast = pool("fast", "{\"volume_backend_name\": \"fast\", \"multiattach\": true}", 0, 0);
        assertThat(BackendFilter.CAPABILITIES.passes(fast, spec(1, Map.of("volume_backend_name", "fast")))).isTrue();
        assertThat(BackendFilter.CAPABILITIES.passes(fast, spec(1, Map.of("volume_backend_name", "slow")))).isFalse();
        assertThat(BackendFilter.CAPABILITIES.passes(fast, spec(1, Map.of("vendor:thing", "x")))).isTrue();
        assertThat(BackendFilter.CAPABILITIES.passes(fast, spec(1, Map.of("capabilities:multiattach", "<is> True")))).isTrue();
        assertThat(BackendFilter.CAPABILITIES.passes(fast, spec(1, Map.of("missing", "x")))).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        True     | <is> True   | true
        False    | <is> True   | false
        10       | >= 5        | true
        3        | >= 5        | false
        abcdef   | <in> cd     | true
        lvm      | <or> ceph <or> lvm | true
        nfs      | <or> ceph <or> lvm | false
        b        | s> a        | true
        fast     | fast        | true
        fast     | slow        | false
        """)
    void extraSpecOperators(String capability, String requirement, boolean expected) {
        Object value = capability.equals("True") ? Boolean.TRUE : capability.equals("False") ? Boolean.FALSE
                : capability.matches("\\d+") ? (Object) Long.parseLong(capability) : capability;
        assertThat(ExtraSpecsOps.match(value, requirement)).isEqualTo(expected);
    }

    @Test
    void leastLoadedPrefersFewerVolumesThenMoreFreeSpace() {
        String roomy = "{\"total_capacity_gb\": 1000, \"free_capacity_gb\": 1000, \"max_over_subscription_ratio\": 1.0,"
                + "\"thin_provisioning_support\": true}";
        String tight = "{\"total_capacity_gb\": 100, \"free_capacity_gb\": 100, \"max_over_subscription_ratio\": 1.0,"
                + "\"thin_provisioning_support\": true}";
        BackendState a = pool("a", roomy, 10, 3);
        BackendState b = pool("b", tight, 10, 2);
        BackendState c = pool("c", roomy, 10, 2);
        List<BackendState> order = Weigher.order(List.of(a, b, c), List.of(Weigher.LEAST_LOADED), spec(1, Map.of()));
        assertThat(order).extracting(BackendState::pool).containsExactly("h@c#c", "h@b#b", "h@a#a");
    }

    @Test
    void cindersCapacityWeigherPrefersMostVirtualFreeSpace() {
        String caps = "{\"total_capacity_gb\": 100, \"free_capacity_gb\": 100, \"max_over_subscription_ratio\": 1.0,"
                + "\"thin_provisioning_support\": true}";
        BackendState full = pool("a", caps, 90, 1);
        BackendState empty = pool("b", caps, 10, 9);
        List<BackendState> order = Weigher.order(List.of(full, empty), List.of(Weigher.CAPACITY), spec(1, Map.of()));
        assertThat(order.get(0).pool()).isEqualTo("h@b#b");
    }
}
