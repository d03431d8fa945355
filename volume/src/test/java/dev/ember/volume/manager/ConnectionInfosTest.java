package dev.ember.volume.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.common.qos.QosSpecs;
import dev.ember.common.type.VolumeType;
import dev.ember.common.volume.Volume;
import dev.ember.volume.spi.ConnectionInfo;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** The keys the manager adds to every driver's connection info, and its two shapes. */
class ConnectionInfosTest {

    private static Volume volume(Map<String, String> adminMetadata, String encryptionKeyId) {
        return new Volume("v1", "u", "p", "h@b#b", null, 1, "nova", "reserved", "reserved", null, null, null, null, null,
                null, null, null, null, null, "t1", "type", null, null, encryptionKeyId, null, null, false, false, null,
                null, null, true, Instant.now(), null, false, Map.of(), adminMetadata, null, false, null, null);
    }

    private static ConnectionInfo iscsi() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("target_iqn", "iqn.2010-10.org.openstack:volume-v1");
        data.put("target_lun", 1);
        return new ConnectionInfo("iscsi", data);
    }

    @Test
    void addsQosAccessModeEncryptedAndCacheableAfterTheDriversKeys() {
        VolumeType type = new VolumeType("t1", "type", null, true, null, Map.of("cacheable", "<is> True"), null, null);
        ObjectNode data = ConnectionInfos.data(iscsi(), volume(Map.of(), null), type, null, "rw");
        assertThat(List.copyOf(data.propertyNames())).containsExactly("target_iqn", "target_lun", "qos_specs",
                "access_mode", "encrypted", "cacheable");
        assertThat(data.get("qos_specs").isNull()).isTrue();
        assertThat(data.get("access_mode").asString()).isEqualTo("rw");
        assertThat(data.get("encrypted").asBoolean()).isFalse();
        assertThat(data.get("cacheable").asBoolean()).isTrue();
    }

    @Test
    void readOnlyVolumesAndModesAreRo() {
        assertThat(ConnectionInfos.data(iscsi(), volume(Map.of("readonly", "True"), null), null, null, "rw")
                .get("access_mode").asString()).isEqualTo("ro");
        assertThat(ConnectionInfos.data(iscsi(), volume(Map.of(), null), null, null, "ro").get("access_mode").asString())
                .isEqualTo("ro");
        assertThat(ConnectionInfos.data(iscsi(), volume(Map.of("attached_mode", "ro"), null), null, null, "rw")
                .get("access_mode").asString()).isEqualTo("ro");
        assertThat(ConnectionInfos.data(iscsi(), volume(Map.of(), "key-1"), null, null, "rw").get("encrypted").asBoolean())
                .isTrue();
    }

    @Test
    void frontEndQosReachesTheHypervisorWithPerGigabyteLimitsScaled() {
        QosSpecs front = new QosSpecs("q1", "gold", QosSpecs.FRONT_END, Map.of("read_iops_sec_per_gb", "100",
                "read_iops_sec_per_gb_min", "50", "read_iops_sec_max", "350", "total_bytes_sec", "1000"), null, null);
        // A 1 GB volume: 100 × 1, above the minimum of 50, below the maximum.
        ObjectNode data = ConnectionInfos.data(iscsi(), volume(Map.of(), null), null, front, "rw");
        assertThat(data.get("qos_specs").toString()).isEqualTo("{\"total_bytes_sec\":\"1000\",\"read_iops_sec\":100}");
        assertThat(ConnectionInfos.frontEndSpecs(front, 5).get("read_iops_sec").asLong()).as("capped at the max").isEqualTo(350);
        QosSpecs back = new QosSpecs("q2", "silver", QosSpecs.BACK_END, Map.of("read_iops_sec", "10"), null, null);
        assertThat(ConnectionInfos.data(iscsi(), volume(Map.of(), null), null, back, "rw").get("qos_specs").isNull())
                .as("back-end specs stay with the storage").isTrue();
    }

    @Test
    void theLegacyShapeNestsTheAttachmentsShapeFlattens() {
        ObjectNode data = ConnectionInfos.data(iscsi(), volume(Map.of(), null), null, null, "rw");
        ObjectNode nested = ConnectionInfos.nested("iscsi", data);
        assertThat(List.copyOf(nested.propertyNames())).containsExactly("driver_volume_type", "data");
        ObjectNode flat = ConnectionInfos.flattened("iscsi", data, "a1");
        assertThat(flat.get("target_lun").asInt()).isEqualTo(1);
        assertThat(flat.get("driver_volume_type").asString()).isEqualTo("iscsi");
        assertThat(flat.get("attachment_id").asString()).isEqualTo("a1");
        assertThat(data.has("attachment_id")).as("the data itself is untouched").isFalse();
    }
}
