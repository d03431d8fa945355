package dev.ember.deploy;

import dev.ember.common.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;

/**
 * A control-plane benchmark against any Cinder endpoint (ours or OpenStack's), kept in the repo and run
 * by hand: {@code deploy/bin/cinder-bench --endpoint=http://127.0.0.1:8776/v3/admin --count=2000
 * --concurrency=16}. Reports creates/s and create→available latency, list-detail and show requests/s
 * with the created volumes present, and deletes/s. Authenticates with a noauth token
 * ({@code --token=admin:admin}) or any Keystone token.
 */
public final class Benchmark {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final String endpoint;
    private final String token;
    private final String volumeType;

    private Benchmark(String endpoint, String token, String volumeType) {
        this.endpoint = endpoint.replaceAll("/+$", "");
        this.token = token;
        this.volumeType = volumeType;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new java.util.HashMap<>();
        for (String arg : args) {
            if (arg.startsWith("--") && arg.contains("=")) {
                options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            }
        }
        Benchmark bench = new Benchmark(options.getOrDefault("endpoint", "http://127.0.0.1:8776/v3/admin"),
                options.getOrDefault("token", "admin:admin"), options.get("volume-type"));
        int count = Integer.parseInt(options.getOrDefault("count", "1000"));
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "16"));
        int readSeconds = Integer.parseInt(options.getOrDefault("read-seconds", "10"));
        bench.run(count, concurrency, readSeconds);
    }

    private void run(int count, int concurrency, int readSeconds) throws Exception {
        System.out.printf("endpoint %s, %d volumes, concurrency %d%n", endpoint, count, concurrency);
        warmUp();
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        Histogram accept = new ConcurrentHistogram(3);
        Histogram available = new ConcurrentHistogram(3);
        AtomicInteger errors = new AtomicInteger();
        long start = System.nanoTime();
        parallel(count, concurrency, i -> {
            long t0 = System.nanoTime();
            HttpResponse<String> created = send("POST", "/volumes", body("bench-" + i));
            accept.recordValue((System.nanoTime() - t0) / 1000);
            if (created.statusCode() != 202) {
                errors.incrementAndGet();
                return;
            }
            String id = Json.parse(created.body()).get("volume").get("id").asString();
            ids.add(id);
            String status = waitForStatus(id, "available", "error");
            if (!"available".equals(status)) {
                errors.incrementAndGet();
                return;
            }
            available.recordValue((System.nanoTime() - t0) / 1000);
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("create: %.1f creates/s (%d in %.2f s, %d errors)%n", count / seconds, count, seconds, errors.get());
        print("  POST /volumes (202)", accept);
        print("  create -> available", available);

        Histogram list = new ConcurrentHistogram(3);
        int lists = timed(readSeconds, concurrency, () -> {
            long t0 = System.nanoTime();
            HttpResponse<String> r = send("GET", "/volumes/detail", null);
            list.recordValue((System.nanoTime() - t0) / 1000);
            return r.statusCode() == 200;
        });
        System.out.printf("list detail (%d volumes present): %.1f req/s%n", ids.size(), lists / (double) readSeconds);
        print("  GET /volumes/detail", list);

        Histogram show = new ConcurrentHistogram(3);
        AtomicInteger next = new AtomicInteger();
        int shows = timed(readSeconds, concurrency, () -> {
            String id = ids.get(Math.floorMod(next.getAndIncrement(), ids.size()));
            long t0 = System.nanoTime();
            HttpResponse<String> r = send("GET", "/volumes/" + id, null);
            show.recordValue((System.nanoTime() - t0) / 1000);
            return r.statusCode() == 200;
        });
        System.out.printf("show: %.1f req/s%n", shows / (double) readSeconds);
        print("  GET /volumes/{id}", show);

        Histogram delete = new ConcurrentHistogram(3);
        List<String> toDelete = new ArrayList<>(ids);
        long deleteStart = System.nanoTime();
        parallel(toDelete.size(), concurrency, i -> {
            String id = toDelete.get(i);
            long t0 = System.nanoTime();
            HttpResponse<String> r = send("DELETE", "/volumes/" + id, null);
            if (r.statusCode() == 202) {
                waitForStatus(id, null, "error_deleting");
                delete.recordValue((System.nanoTime() - t0) / 1000);
            } else {
                errors.incrementAndGet();
            }
        });
        double deleteSeconds = (System.nanoTime() - deleteStart) / 1e9;
        System.out.printf("delete: %.1f deletes/s (%d in %.2f s)%n", toDelete.size() / deleteSeconds, toDelete.size(),
                deleteSeconds);
        print("  delete -> gone", delete);
    }

    private void warmUp() throws Exception {
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = send("POST", "/volumes", body("bench-warmup-" + i));
            if (r.statusCode() != 202) {
                throw new IllegalStateException("create failed: " + r.statusCode() + " " + r.body());
            }
            String id = Json.parse(r.body()).get("volume").get("id").asString();
            waitForStatus(id, "available", "error");
            send("DELETE", "/volumes/" + id, null);
            waitForStatus(id, null, "error_deleting");
        }
    }

    private String body(String name) {
        String type = volumeType == null ? "" : ", \"volume_type\": \"" + volumeType + "\"";
        return "{\"volume\": {\"size\": 1, \"name\": \"" + name + "\"" + type + "}}";
    }

    /** Polls until the volume has one of the statuses; a null status means "gone" (404). */
    private String waitForStatus(String id, String... statuses) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long pause = 1;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = send("GET", "/volumes/" + id, null);
            if (r.statusCode() == 404) {
                for (String s : statuses) {
                    if (s == null) {
                        return null;
                    }
                }
                return "gone";
            }
            JsonNode v = Json.parse(r.body()).get("volume");
            String status = v.get("status").asString();
            for (String s : statuses) {
                if (status.equals(s)) {
                    return status;
                }
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 8);
        }
        return "timeout";
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint + path))
                .timeout(Duration.ofSeconds(30))
                .header("X-Auth-Token", token)
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private interface Task {
        void run(int i) throws Exception;
    }

    private static void parallel(int count, int concurrency, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        AtomicInteger next = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            futures.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    try {
                        task.run(i);
                    } catch (Exception e) {
                        failures.add(e);
                    }
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        if (!failures.isEmpty()) {
            System.out.println("  " + failures.size() + " requests failed, first: " + failures.peek());
        }
    }

    private interface Probe {
        boolean call() throws Exception;
    }

    private static int timed(int seconds, int concurrency, Probe probe) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicInteger done = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            futures.add(pool.submit(() -> {
                while (System.nanoTime() < deadline) {
                    try {
                        if (probe.call()) {
                            done.incrementAndGet();
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return done.get();
    }

    private static void print(String label, Histogram h) {
        if (h.getTotalCount() == 0) {
            System.out.println(label + ": no samples");
            return;
        }
        System.out.printf("%s: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms (%d samples)%n", label,
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(95) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0, h.getTotalCount());
    }
}
