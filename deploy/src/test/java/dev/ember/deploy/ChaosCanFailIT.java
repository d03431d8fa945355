package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chaos checker can fail: a rogue consumer on the private broker takes one {@code create_volume} cast
 * off the scheduler queue and drops it, with the re-drive that would heal it switched off (an hour), and
 * the run must then report that volume stuck in {@code creating}; and storage made behind the service's
 * back must be reported as leaked.
 */
class ChaosCanFailIT {

    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    @Test
    void aDroppedMessageIsReportedAsAStuckVolume() throws Exception {
        CompletableFuture<String> stolen = new CompletableFuture<>();
        Chaos.Config config = new Chaos.Config(Duration.ofSeconds(15), 2, 0, 42, 5, 3600, null, Chaos.Storage.FILE)
                .withSabotage(chaos -> stolen.complete(dropOneCreate(chaos)), 3600);
        Chaos.Report report;
        String volume;
        try (Chaos chaos = Chaos.start(config)) {
            report = chaos.run();
            String body = stolen.get(1, TimeUnit.SECONDS);
            Matcher m = UUID.matcher(body);
            volume = null;
            while (m.find() && volume == null) {
                if (chaos.acceptedCreates.containsValue(m.group())) {
                    volume = m.group();
                }
            }
        }
        System.out.println(report.text());
        assertThat(volume).as("the dropped cast was for a create answered 202").isNotNull();
        String dropped = volume;
        assertThat(report.violations()).as(report.text())
                .anySatisfy(v -> assertThat(v).startsWith("stuck").contains("volume " + dropped + " creating"));
    }

    /**
     * With real storage, an RBD image and an iSCSI target no row knows of, made behind the service's back, are
     * both reported as leaks.
     */
    @Test
    void storageNoRowKnowsOfIsReportedAsALeak() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Chaos.Storage.available() == Chaos.Storage.REAL, "tgt and Ceph are not installed");
        String stray = java.util.UUID.randomUUID().toString();
        Chaos.Config config = new Chaos.Config(Duration.ofSeconds(10), 1, 0, 43, 5, 5, null, Chaos.Storage.REAL)
                .withSabotage(chaos -> {
                    chaos.ceph.rbd("create", "--size", "8", chaos.ceph.pool() + "/volume-" + stray);
                    chaos.tgtd.tgtadm("--mode", "target", "--op", "new", "--tid", "999", "--targetname",
                            "iqn.2010-10.org.openstack:volume-" + stray);
                }, 5);
        Chaos.Report report;
        try (Chaos chaos = Chaos.start(config)) {
            report = chaos.run();
        }
        System.out.println(report.text());
        assertThat(report.violations()).as(report.text())
                .anySatisfy(v -> assertThat(v).startsWith("leak: node2@ceph holds volume-" + stray))
                .anySatisfy(v -> assertThat(v).startsWith("leak: tgtd serves iqn.2010-10.org.openstack:volume-" + stray));
    }

    /**
     * Creates volumes named {@code sabotaged-N} until the rogue consumer gets the {@code create_volume} cast
     * of one of them (a cast that arrives before its volume's id is known here is put back), which it acknowledges, so drops (the clients never touch these volumes).
     */
    private static String dropOneCreate(Chaos chaos) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(chaos.rabbit.port());
        factory.setUsername("guest");
        factory.setPassword("guest");
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            channel.basicQos(1);
            CompletableFuture<String> got = new CompletableFuture<>();
            java.util.Set<String> ours = java.util.concurrent.ConcurrentHashMap.newKeySet();
            String tag = channel.basicConsume("cinder-scheduler", false, (consumerTag, delivery) -> {
                String body = new String(delivery.getBody(), StandardCharsets.UTF_8);
                if (!got.isDone() && body.contains("create_volume") && ours.stream().anyMatch(body::contains)) {
                    channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
                    got.complete(body);
                } else {
                    channel.basicNack(delivery.getEnvelope().getDeliveryTag(), false, true);
                }
            }, consumerTag -> { });
            for (int i = 0; i < 100 && !got.isDone(); i++) {
                String name = "sabotaged-" + i;
                Http.Response r = chaos.admin().post("/v3/admin/volumes", "{\"volume\": {\"size\": 1, \"name\": \"" + name + "\"}}");
                assertThat(r.status()).isEqualTo(202);
                String id = r.json().get("volume").get("id").asString();
                ours.add(id);
                chaos.acceptedCreates.put(name, id);
                try {
                    got.get(1, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    // went to a scheduler: try another
                }
            }
            String body = got.get(1, TimeUnit.SECONDS);
            channel.basicCancel(tag);
            System.out.println("chaos sabotage: dropped " + body);
            return body;
        }
    }
}
