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
 * with the created volumes present, and deletes/s ({@code --phases=create,read,delete}). Authenticates with a noauth token
 * ({@code --token=admin:admin}) or any Keystone token. By default each of the concurrent clients creates
 * a volume and waits until it is available before the next, as Rally's create-volume scenario does
 * ({@code --mode=closed}); {@code --mode=open} sends every create at once and waits at the end.
 * Completion is learnt by one shared watcher listing the volumes still {@code creating} every few
 * milliseconds, so waiting costs the server one small request per round whatever the concurrency.
 */
public final class Benchmark {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final String endpoint;
    private final String token;
    private final String volumeType;

    private final boolean closedLoop;

    /**
     * @param closedLoop each client waits for its volume to be available before creating the next, as
     *     Rally's create-volume scenario does (the default); otherwise clients only send creates and the
     *     run waits for all of them at the end (an open-loop burst)
     */
    private Benchmark(String endpoint, String token, String volumeType, boolean closedLoop) {
        this.endpoint = endpoint.replaceAll("/+$", "");
        this.token = token;
        this.volumeType = volumeType;
        this.closedLoop = closedLoop;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new java.util.HashMap<>();
        for (String arg : args) {
            if (arg.startsWith("--") && arg.contains("=")) {
                options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            }
        }
        Benchmark bench = new Benchmark(options.getOrDefault("endpoint", "http://127.0.0.1:8776/v3/admin"),
                options.getOrDefault("token", "admin:admin"), options.get("volume-type"),
                !options.getOrDefault("mode", "closed").equals("open"));
        int count = Integer.parseInt(options.getOrDefault("count", "1000"));
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "16"));
        int readSeconds = Integer.parseInt(options.getOrDefault("read-seconds", "10"));
        java.util.Set<String> phases = java.util.Set.of(options.getOrDefault("phases", "create,read,delete").split(","));
        bench.run(count, concurrency, readSeconds, phases);
    }

    /**
     * @param phases which of {@code create}, {@code read}, {@code delete} to run; volumes created and not
     *     deleted are left in place
     */
    private void run(int count, int concurrency, int readSeconds, java.util.Set<String> phases) throws Exception {
        System.out.printf("endpoint %s, %d volumes, concurrency %d%n", endpoint, count, concurrency);
        warmUp();
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        Histogram accept = new ConcurrentHistogram(3);
        Histogram available = new ConcurrentHistogram(3);
        AtomicInteger errors = new AtomicInteger();
        CompletionWatcher watcher = new CompletionWatcher("creating");
        Thread watching = new Thread(watcher, "completion-watcher");
        watching.start();
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
            java.util.concurrent.CompletableFuture<Long> done = watcher.watch(id, t0);
            if (closedLoop) {
                available.recordValue(done.get(300, TimeUnit.SECONDS) / 1000);
            }
        });
        watcher.awaitEmpty();
        double seconds = (System.nanoTime() - start) / 1e9;
        watcher.stop = true;
        watching.join();
        if (!closedLoop) {
            watcher.done.values().forEach(nanos -> available.recordValue(nanos / 1000));
        }
        for (JsonNode v : allVolumes()) {
            if (ids.contains(v.get("id").asString()) && !v.get("status").asString().equals("available")) {
                errors.incrementAndGet();
            }
        }
        System.out.printf("create: %.1f creates/s (%d created and available in %.2f s, %d errors)%n", count / seconds,
                count, seconds, errors.get());
        print("  POST /volumes (202)", accept);
        print("  create -> available", available);

        if (phases.contains("read")) {
            readPhase(ids, concurrency, readSeconds);
        }
        if (phases.contains("delete")) {
            deletePhase(ids, concurrency, errors);
        }
    }

    /** list-detail and show requests/s with the created volumes present. */
    private void readPhase(List<String> ids, int concurrency, int readSeconds) throws Exception {
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
    }

    /** deletes/s, each measured from its DELETE until it is gone. */
    private void deletePhase(List<String> ids, int concurrency, AtomicInteger errors) throws Exception {
        Histogram delete = new ConcurrentHistogram(3);
        List<String> toDelete = new ArrayList<>(ids);
        CompletionWatcher deletions = new CompletionWatcher("deleting");
        Thread deleteWatching = new Thread(deletions, "deletion-watcher");
        deleteWatching.start();
        long deleteStart = System.nanoTime();
        parallel(toDelete.size(), concurrency, i -> {
            String id = toDelete.get(i);
            long t0 = System.nanoTime();
            HttpResponse<String> r = send("DELETE", "/volumes/" + id, null);
            if (r.statusCode() == 202) {
                deletions.watch(id, t0);
            } else {
                errors.incrementAndGet();
            }
        });
        deletions.awaitEmpty();
        double deleteSeconds = (System.nanoTime() - deleteStart) / 1e9;
        deletions.stop = true;
        deleteWatching.join();
        deletions.done.forEach((id, nanos) -> delete.recordValue(nanos / 1000));
        System.out.printf("delete: %.1f deletes/s (%d in %.2f s)%n", toDelete.size() / deleteSeconds, toDelete.size(),
                deleteSeconds);
        print("  delete -> gone", delete);
    }

    /**
     * Learns when volumes leave a transitional status by listing only the volumes still in it (a small
     * answer) in a loop, instead of every client polling its own volumes: the measurement costs the
     * server one small request per round, whatever the concurrency. A volume counts as done in the
     * first round that started after its POST was answered and no longer lists it; the time recorded is
     * from sending its POST to the end of that round, so it overstates by up to one round (a few ms).
     */
    private static final long ROUND_PAUSE_MILLIS = 10;

    private final class CompletionWatcher implements Runnable {
        private final String status;
        final Map<String, long[]> pending = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<String, Long> done = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<String, java.util.concurrent.CompletableFuture<Long>> waiting =
                new java.util.concurrent.ConcurrentHashMap<>();

        /** Watches a volume whose request was sent at {@code sentNanos}; completes with the elapsed nanoseconds. */
        java.util.concurrent.CompletableFuture<Long> watch(String id, long sentNanos) {
            java.util.concurrent.CompletableFuture<Long> future = new java.util.concurrent.CompletableFuture<>();
            waiting.put(id, future);
            pending.put(id, new long[] {sentNanos, System.nanoTime()});
            return future;
        }
        volatile boolean stop;

        /** @param status the transitional status being waited out ({@code creating}, {@code deleting}) */
        CompletionWatcher(String status) {
            this.status = status;
        }

        @Override
        public void run() {
            while (!stop) {
                if (pending.isEmpty()) {
                    Benchmark.sleep(1);
                    continue;
                }
                try {
                    long roundStart = System.nanoTime();
                    java.util.Set<String> creating = new java.util.HashSet<>();
                    String marker = null;
                    while (true) {
                        String page = "/volumes?status=" + status + "&limit=1000" + (marker == null ? "" : "&marker=" + marker);
                        JsonNode volumes = Json.parse(send("GET", page, null).body()).get("volumes");
                        volumes.forEach(v -> creating.add(v.get("id").asString()));
                        if (volumes.size() < 1000) {
                            break;
                        }
                        marker = volumes.get(volumes.size() - 1).get("id").asString();
                    }
                    long roundEnd = System.nanoTime();
                    pending.forEach((id, times) -> {
                        if (times[1] < roundStart && !creating.contains(id)) {
                            done.put(id, roundEnd - times[0]);
                            pending.remove(id);
                            java.util.concurrent.CompletableFuture<Long> future = waiting.remove(id);
                            if (future != null) {
                                future.complete(roundEnd - times[0]);
                            }
                        }
                    });
                    // One small request per round, whatever the concurrency: frequent enough for a
                    // resolution of a few milliseconds, cheap enough to cost the server little.
                    Benchmark.sleep(ROUND_PAUSE_MILLIS);
                } catch (Exception e) {
                    Benchmark.sleep(10);
                }
            }
        }

        void awaitEmpty() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while ((!pending.isEmpty()) && System.nanoTime() < deadline) {
                Benchmark.sleep(1);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every volume, detail view, following the pagination links. */
    private List<JsonNode> allVolumes() throws Exception {
        List<JsonNode> all = new ArrayList<>();
        String marker = null;
        while (true) {
            JsonNode page = Json.parse(send("GET", "/volumes/detail?limit=1000" + (marker == null ? "" : "&marker=" + marker),
                    null).body()).get("volumes");
            page.forEach(all::add);
            if (page.size() < 1000) {
                return all;
            }
            marker = page.get(page.size() - 1).get("id").asString();
        }
    }

    /**
     * The benchmark's project would hit Cinder's default quotas (10 volumes, 1000 GB): as an admin it lifts its
     * own project's volume and gigabyte limits; otherwise the operator must have done so.
     */
    private void liftQuota() throws Exception {
        String project = endpoint.substring(endpoint.lastIndexOf('/') + 1);
        HttpResponse<String> r = send("PUT", "/os-quota-sets/" + project,
                "{\"quota_set\": {\"volumes\": -1, \"gigabytes\": -1}}");
        if (r.statusCode() != 200) {
            System.out.printf("could not lift the quotas of project %s (%d); creates may be refused over quota%n",
                    project, r.statusCode());
        }
    }

    private void warmUp() throws Exception {
        liftQuota();
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
        return send(method, path, body, null);
    }

    private HttpResponse<String> send(String method, String path, String body, String microversion) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint + path))
                .timeout(Duration.ofSeconds(30))
                .header("X-Auth-Token", token)
                .header("Accept", "application/json");
        if (microversion != null) {
            request.header("OpenStack-API-Version", microversion);
        }
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
