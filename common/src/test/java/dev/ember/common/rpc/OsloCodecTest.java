package dev.ember.common.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.common.context.RequestContext;
import dev.ember.common.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OsloCodecTest {

    @Test
    void castsTravelInOslosEnvelopeWithTheirContext() {
        RequestContext context = new RequestContext("req-1", "req-g", "alice", "p1", false, List.of("member"),
                new RequestContext.Scope("default", "default", null, null), List.of());
        var args = Json.object();
        args.put("volume_id", "v1");
        byte[] body = OsloCodec.encode(RpcMessage.cast("create_volume", args, "3.0", context), null);
        var outer = Json.parse(body);
        assertThat(outer.get("oslo.version").asString()).isEqualTo("2.0");
        var inner = Json.parse(outer.get("oslo.message").asString());
        assertThat(inner.get("method").asString()).isEqualTo("create_volume");
        assertThat(inner.get("_context_request_id").asString()).isEqualTo("req-1");
        assertThat(inner.get("_context_project_id").asString()).isEqualTo("p1");
        assertThat(inner.get("_context_project_domain").asString()).isEqualTo("default");
        assertThat(inner.has("_unique_id")).isTrue();
        assertThat(inner.has("_msg_id")).isFalse();

        RpcMessage decoded = OsloCodec.decode(body);
        assertThat(decoded.context()).isEqualTo(context);
        assertThat(decoded.args().get("volume_id").asString()).isEqualTo("v1");
        assertThat(decoded.isCall()).isFalse();
    }

    @Test
    void repliesCarryFailuresAsOsloDoes() {
        byte[] reply = OsloCodec.encodeReply("m1", null, new OsloCodec.RemoteFailure("InvalidVolume", "cinder.exception", "nope"));
        OsloCodec.Reply decoded = OsloCodec.decodeReply(reply);
        assertThat(decoded.msgId()).isEqualTo("m1");
        assertThat(decoded.failure().className()).isEqualTo("InvalidVolume");
        assertThat(decoded.failure().message()).isEqualTo("nope");
        assertThat(new String(reply, StandardCharsets.UTF_8)).contains("\"oslo.version\": \"2.0\"");
    }
}
