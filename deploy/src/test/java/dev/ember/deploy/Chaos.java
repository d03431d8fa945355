package dev.ember.deploy;

import dev.ember.common.json.Json;
import dev.ember.common.testing.CephCluster;
import dev.ember.common.testing.PrivateMariaDb;
import dev.ember.common.testing.PrivateRabbitMq;
import dev.ember.common.testing.TgtDaemon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * The fault-injection tool: the real deployment (api, two schedulers, two volume services, each a JVM
 * started by the packaged launchers) on a private MariaDB and a private RabbitMQ, under create / attach /
 * detach / extend / snapshot / delete churn from several clients, while faults of every kind are injected at
 * random points: SIGKILL of each role, broker stop/start, database stop/start and, with real storage, SIGKILL
 * of the tgt daemon and of the Ceph OSD. Then it lets the system settle by itself (nothing is ever reset by
 * hand) and checks issue 8's invariants against what the clients were told and what the database and the
 * storage hold: files, RBD images and snapshots, iSCSI targets, CHAP accounts and target files.
 *
 * <p>With {@link Storage#REAL} one volume service runs the ipSAN driver on a tgt daemon of the run's own and
 * the other the RBD driver on a Ceph cluster of its own (bluestore, so the OSD can crash and come back); with
 * {@link Storage#FILE} both run the file driver. Only processes this tool started are ever stopped: the
 * machine's shared RabbitMQ and MariaDB are not touched.
 */
final class Chaos implements AutoCloseable {

    /** A kind of fault; each the run's storage has is injected {@link Config#faultsPerKind} times. */
    enum Fault {
        KILL_API, KILL_SCHEDULER, KILL_VOLUME, BROKER_RESTART, DATABASE_RESTART, TGTD_RESTART, CEPH_OSD_RESTART;

        boolean needsRealStorage() {
            return this == TGTD_RESTART || this == CEPH_OSD_RESTART;
        }
    }

    /** What the two volume services store on. */
    enum Storage {
        /** Both on the file driver: no storage daemon to fail. */
        FILE,
        /** node1 on the ipSAN driver (file LUNs behind tgtd, CHAP), node2 on the RBD driver (Ceph). */
        REAL;

        /** REAL where tgt and Ceph are installed, else FILE. */
        static Storage available() {
            return Files.isExecutable(Path.of("/usr/sbin/tgtd")) && Files.isExecutable(Path.of("/usr/bin/ceph-osd"))
                    && Files.isExecutable(Path.of("/usr/bin/rbd")) ? REAL : FILE;
        }
    }

    /**
     * @param duration how long the churn runs at least (it also runs until every fault kind was injected)
     * @param clients concurrent clients
     * @param faultsPerKind faults of each kind to inject
     * @param seed the seed of every random choice (clients, fault order, outage lengths)
     * @param serviceDownTime {@code service_down_time}; the bound on transitional states is twice this
     * @param redriveAfter {@code cinder.ember.redrive-after}
     * @param sabotage run once mid-churn with the running chaos, to break an invariant on purpose (null: none)
     * @param storage what the volume services store on
     */
    record Config(Duration duration, int clients, int faultsPerKind, long seed, int serviceDownTime, int redriveAfter,
            Sabotage sabotage, Storage storage) {
        /** {@code chaos.storage} is {@code file} or {@code real}; unset, real where tgt and Ceph are installed. */
        static Config fromSystemProperties(Duration defaultDuration, int defaultFaults) {
            String storage = System.getProperty("chaos.storage");
            return new Config(Duration.ofSeconds(Long.getLong("chaos.seconds", defaultDuration.toSeconds())),
                    Integer.getInteger("chaos.clients", 3), Integer.getInteger("chaos.faults-per-kind", defaultFaults),
                    Long.getLong("chaos.seed", System.nanoTime()), Integer.getInteger("chaos.service-down-time", 10),
                    Integer.getInteger("chaos.redrive-after", 5), null,
                    storage == null || storage.isBlank() ? Storage.available() : Storage.valueOf(storage.toUpperCase(Locale.ROOT)));
        }

        Config withSabotage(Sabotage s, int redrive) {
            return new Config(duration, clients, faultsPerKind, seed, serviceDownTime, redrive, s, storage);
        }

        /** The fault kinds this storage has. */
        List<Fault> faultKinds() {
            return Stream.of(Fault.values()).filter(f -> storage == Storage.REAL || !f.needsRealStorage()).toList();
        }
    }

    /** Something done to the deployment on purpose, to prove the checker sees a broken invariant. */
    interface Sabotage {
        void apply(Chaos chaos) throws Exception;
    }

    /**
     * One injected fault: how long the component was away, when after its return a new create worked and,
     * for a tgt restart, when every export was back ({@code NaN} for the other kinds).
     */
    record FaultRecord(Fault kind, String target, double downSeconds, double createWorkedAfterSeconds,
            double exportsBackAfterSeconds) {}

    /** The outcome of one run. */
    record Report(long seed, double seconds, Storage storage, Map<String, Integer> answers, List<FaultRecord> faults,
            int accepted, int unanswered, int ghosts, List<String> violations) {
        String text() {
            StringBuilder s = new StringBuilder();
            s.append(String.format("chaos run: seed %d, %.0f s, %s storage, %d faults, %d operations answered 2xx, "
                    + "%d unanswered, %d ghost volumes (create never answered but applied)%n", seed, seconds, storage, faults.size(),
                    accepted, unanswered, ghosts));
            s.append("answers by kind and status: ").append(new TreeMap<>(answers)).append('\n');
            Map<Fault, List<Double>> byKind = new EnumMap<>(Fault.class);
            faults.forEach(f -> byKind.computeIfAbsent(f.kind(), k -> new ArrayList<>()).add(f.createWorkedAfterSeconds()));
            byKind.forEach((kind, times) -> {
                List<Double> sorted = new ArrayList<>(times);
                Collections.sort(sorted);
                s.append(String.format("  %-16s x%d  a new create available after the component's return: median %.1f s, max %.1f s%n",
                        kind, times.size(), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1)));
            });
            faults.forEach(f -> s.append(String.format("    %s %s: down %.1f s, create worked %.1f s after return%s%n", f.kind(),
                    f.target(), f.downSeconds(), f.createWorkedAfterSeconds(), Double.isNaN(f.exportsBackAfterSeconds()) ? ""
                            : String.format(", every export back after %.1f s", f.exportsBackAfterSeconds()))));
            s.append("violations: ").append(violations.size()).append('\n');
            violations.forEach(v -> s.append("  - ").append(v).append('\n'));
            return s.toString();
        }
    }

    static final String CONNECTOR = "{\"initiator\": \"iqn.1993-08.org.debian:01:chaos\", \"ip\": \"127.0.0.1\", "
            + "\"host\": \"chaos-host\", \"platform\": \"x86_64\", \"os_type\": \"linux\", \"multipath\": false, "
            + "\"do_local_attach\": false}";
    private static final Set<String> TRANSITIONAL_VOLUME = Set.of("creating", "deleting", "attaching", "detaching",
            "extending", "reserved", "retyping", "reverting", "maintenance", "downloading", "uploading", "backing-up",
            "restoring-backup");
    private static final Set<String> TRANSITIONAL_SNAPSHOT = Set.of("creating", "deleting", "restoring", "updating",
            "backing-up", "unmanaging");
    private static final Duration CREATE_PROBE = Duration.ofSeconds(5);

    final Config config;
    final PrivateMariaDb mariadb;
    final PrivateRabbitMq rabbit;
    final ProcessCluster cluster;
    private final Path state;
    private final Random random;
    private final Map<String, ProcessCluster.Proc> procs = new LinkedHashMap<>();
    /** The volume services' {@code host@backend} names. */
    private final List<String> volumeServices = new ArrayList<>();
    /** Backends whose volumes are files: {@code host@backend} → directory. */
    private final Map<String, Path> backendDirs = new LinkedHashMap<>();
    /** With real storage: the ipSAN backend's tgt daemon, its name and target files; the RBD backend's cluster. */
    TgtDaemon tgtd;
    private String ipsanBackend;
    private Path targetFiles;
    CephCluster ceph;
    private String rbdBackend;
    private Http admin;

    // ----- what the clients were told --------------------------------------------------------------------
    /** Volume creates answered 2xx: name → id. */
    final Map<String, String> acceptedCreates = new ConcurrentHashMap<>();
    /** Volume creates answered with an error: names that must not exist. */
    private final Set<String> refusedCreates = ConcurrentHashMap.newKeySet();
    /**
     * Volume creates with no answer yet (connection refused or reset, timeout): sent again with the same
     * {@code Idempotency-Key} until answered, as a careful client would; none may be applied twice.
     */
    private final Set<String> unansweredCreates = ConcurrentHashMap.newKeySet();
    /** Every volume create's body by name (the name is also its idempotency key). */
    private final Map<String, String> createBodies = new ConcurrentHashMap<>();
    private final Set<String> acceptedVolumeDeletes = ConcurrentHashMap.newKeySet();
    private final Map<String, String> acceptedSnapshots = new ConcurrentHashMap<>();
    private final Set<String> acceptedSnapshotDeletes = ConcurrentHashMap.newKeySet();
    /** Extends answered 202: volume id → the size asked for (the largest). */
    private final Map<String, Integer> acceptedExtends = new ConcurrentHashMap<>();
    private final Map<String, Integer> answers = new ConcurrentHashMap<>();
    private final AtomicInteger unanswered = new AtomicInteger();
    private final AtomicInteger probes = new AtomicInteger();
    final List<String> violations = new CopyOnWriteArrayList<>();

    private Chaos(Config config, PrivateMariaDb mariadb, PrivateRabbitMq rabbit, Path state) throws IOException {
        this.config = config;
        this.mariadb = mariadb;
        this.rabbit = rabbit;
        this.state = state;
        this.random = new Random(config.seed());
        Map<String, String> common = new LinkedHashMap<>();
        common.put("cinder.database.connection", mariadb.connection());
        common.put("cinder.transport-url", rabbit.transportUrl());
        common.put("cinder.report-interval", "1");
        common.put("cinder.service-down-time", Integer.toString(config.serviceDownTime()));
        common.put("cinder.backend-stats-polling-interval", "1");
        common.put("cinder.ember.redrive-after", Integer.toString(config.redriveAfter()));
        common.put("cinder.quota-volumes", "-1");
        common.put("cinder.quota-gigabytes", "-1");
        common.put("cinder.quota-snapshots", "-1");
        common.put("cinder.state-path", state.toString());
        common.put("cinder.ember.export-check-interval", "2");
        this.cluster = new ProcessCluster(common);
    }

    /** Starts the private services, the storage daemons and the five roles, and waits until both backends report. */
    static Chaos start(Config config) throws Exception {
        PrivateMariaDb mariadb = PrivateMariaDb.start();
        PrivateRabbitMq rabbit = null;
        Chaos chaos = null;
        try {
            rabbit = PrivateRabbitMq.start();
            chaos = new Chaos(config, mariadb, rabbit, Files.createTempDirectory("ember-chaos-"));
            chaos.procs.put("api", chaos.cluster.start("chaos-api", "cinder-api", Map.of("cinder.host", "api1")));
            chaos.procs.put("sched1", chaos.cluster.start("chaos-sched1", "cinder-scheduler", Map.of("cinder.host", "sched1")));
            chaos.procs.put("sched2", chaos.cluster.start("chaos-sched2", "cinder-scheduler", Map.of("cinder.host", "sched2")));
            if (config.storage() == Storage.REAL) {
                chaos.startVolumeService("node1", "ipsan", chaos.ipsanConfig("node1", "ipsan"));
                chaos.startVolumeService("node2", "ceph", chaos.rbdConfig("node2", "ceph"));
            } else {
                chaos.startVolumeService("node1", "f1", chaos.fileBackend("node1", "f1"));
                chaos.startVolumeService("node2", "f2", chaos.fileBackend("node2", "f2"));
            }
            chaos.cluster.awaitReady(Duration.ofSeconds(180), chaos.volumeServices.toArray(String[]::new));
            chaos.admin = chaos.cluster.http();
            return chaos;
        } catch (Exception | Error e) {
            if (chaos != null) {
                chaos.close();
            } else {
                if (rabbit != null) {
                    rabbit.close();
                }
                mariadb.close();
            }
            throw e;
        }
    }

    private void startVolumeService(String host, String backend, Map<String, String> props) throws IOException {
        String service = host + "@" + backend;
        volumeServices.add(service);
        procs.put(service, cluster.start("chaos-" + host, "cinder-volume", props));
    }

    /** A volume service's properties: {@code host} running the one backend {@code backend} with these options. */
    private static Map<String, String> backendProperties(String host, String backend, String driver, Map<String, String> options) {
        Map<String, String> props = new HashMap<>();
        props.put("cinder.host", host);
        props.put("cinder.enabled-backends", backend);
        String prefix = "cinder.backends." + backend + ".";
        props.put(prefix + "volume_driver", driver);
        props.put(prefix + "volume_backend_name", backend);
        options.forEach((name, value) -> props.put(prefix + name, value));
        return props;
    }

    private Map<String, String> fileBackend(String host, String backend) throws IOException {
        Path dir = Files.createDirectories(state.resolve(host + "-" + backend));
        backendDirs.put(host + "@" + backend, dir);
        return backendProperties(host, backend, "file", Map.of("file_volumes_dir", dir.toString()));
    }

    /** The ipSAN driver with file LUNs, on a tgt daemon of this run's own. */
    private Map<String, String> ipsanConfig(String host, String backend) throws Exception {
        tgtd = TgtDaemon.start();
        Path dir = Files.createDirectories(state.resolve(host + "-" + backend + "-volumes"));
        targetFiles = Files.createDirectories(state.resolve(host + "-" + backend + "-targets"));
        ipsanBackend = host + "@" + backend;
        backendDirs.put(ipsanBackend, dir);
        return backendProperties(host, backend, "iscsi", Map.of("file_volumes_dir", dir.toString(),
                "volumes_dir", targetFiles.toString(), "target_ip_address", "127.0.0.1",
                "target_port", Integer.toString(tgtd.port()), "tgt_control_port", Integer.toString(tgtd.controlPort())));
    }

    /** The RBD driver on a Ceph cluster of this run's own whose OSD keeps its data across a crash. */
    private Map<String, String> rbdConfig(String host, String backend) throws Exception {
        ceph = CephCluster.startPersistent();
        rbdBackend = host + "@" + backend;
        return backendProperties(host, backend, "cinder.volume.drivers.rbd.RBDDriver", Map.of("rbd_pool", ceph.pool(),
                "rbd_user", "cinder", "rbd_ceph_conf", ceph.conf(), "rbd_keyring_conf", ceph.cinderKeyring(),
                "rbd_secret_uuid", "5b6f4a52-3a8e-4c1b-9d55-2a1c0f7e0c01"));
    }

    // ----- the run --------------------------------------------------------------------------------------

    Report run() throws Exception {
        long started = System.nanoTime();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < config.clients(); i++) {
            Client client = new Client(i, new Random(config.seed() + 1 + i), running);
            Thread t = new Thread(client::loop, "chaos-client-" + i);
            t.start();
            clients.add(t);
        }
        List<FaultRecord> faults = new ArrayList<>();
        try {
            List<Fault> plan = new ArrayList<>();
            for (int round = 0; round < config.faultsPerKind(); round++) {
                List<Fault> kinds = new ArrayList<>(config.faultKinds());
                Collections.shuffle(kinds, random);
                plan.addAll(kinds);
            }
            long end = started + config.duration().toNanos();
            long between = plan.isEmpty() ? 0 : Math.max(2_000, config.duration().toMillis() / (plan.size() + 1) / 2);
            Await.sleep(3_000);
            boolean sabotaged = config.sabotage() == null;
            for (Fault fault : plan) {
                if (!sabotaged) {
                    config.sabotage().apply(this);
                    sabotaged = true;
                }
                faults.add(inject(fault));
                System.out.println("chaos: " + faults.get(faults.size() - 1));
                Await.sleep(between / 2 + random.nextLong(between));
            }
            if (!sabotaged) {
                config.sabotage().apply(this);
            }
            while (System.nanoTime() < end) {
                Await.sleep(500);
            }
        } finally {
            running.set(false);
            for (Thread t : clients) {
                t.join(120_000);
            }
        }
        System.out.println("chaos: churn stopped; answers " + new TreeMap<>(answers));
        answerUnansweredCreates();
        settleAndCheck();
        cleanUpAndCheck();
        int accepted = answers.entrySet().stream().filter(e -> e.getKey().matches(".* 2\\d\\d")).mapToInt(Map.Entry::getValue).sum();
        return new Report(config.seed(), (System.nanoTime() - started) / 1e9, config.storage(), Map.copyOf(answers), faults, accepted,
                unanswered.get(), ghosts.size(), List.copyOf(violations));
    }

    private FaultRecord inject(Fault fault) throws Exception {
        long outage = 1_000 + random.nextLong(4_000);
        String target;
        long down = System.nanoTime();
        switch (fault) {
            case KILL_API -> {
                target = "api";
                procs.get(target).kill9();
                Await.sleep(outage);
                procs.get(target).restart();
                Await.until("the API answers", Duration.ofSeconds(120), () -> {
                    try {
                        return admin.get("/").status() < 500;
                    } catch (RuntimeException e) {
                        return false;
                    }
                });
            }
            case KILL_SCHEDULER, KILL_VOLUME -> {
                List<String> candidates = fault == Fault.KILL_SCHEDULER ? List.of("sched1", "sched2") : volumeServices;
                target = candidates.get(random.nextInt(candidates.size()));
                String binary = fault == Fault.KILL_SCHEDULER ? "cinder-scheduler" : "cinder-volume";
                ProcessCluster.Proc proc = procs.get(target);
                proc.kill9();
                long reports = reportCount(target, binary);
                Await.sleep(outage);
                proc.restart();
                Await.until(target + " heartbeats again", Duration.ofSeconds(120), () -> reportCount(target, binary) > reports);
            }
            case BROKER_RESTART -> {
                target = "rabbitmq";
                rabbit.stopServer();
                Await.sleep(outage);
                rabbit.startServer();
            }
            case DATABASE_RESTART -> {
                target = "mariadb";
                mariadb.stopServer();
                Await.sleep(outage);
                mariadb.startServer();
            }
            case TGTD_RESTART -> {
                target = "tgtd of " + ipsanBackend;
                tgtd.crash();
                Await.sleep(outage);
                tgtd.startAgain();
            }
            case CEPH_OSD_RESTART -> {
                target = "osd.0 of " + rbdBackend;
                ceph.stopOsd();
                Await.sleep(outage);
                ceph.startOsd();
            }
            default -> throw new IllegalArgumentException(fault.toString());
        }
        long back = System.nanoTime();
        double worked = timeToAWorkingCreate(back);
        if (worked > CREATE_PROBE.toSeconds()) {
            violations.add(String.format("after %s of %s a new create was available only %.1f s after its return (bound %d s)",
                    fault, target, worked, CREATE_PROBE.toSeconds()));
        }
        double exportsBack = Double.NaN;
        if (fault == Fault.TGTD_RESTART) {
            List<String> mismatches = untilNone(() -> exportMismatches(false),
                    back + Duration.ofSeconds(2L * config.serviceDownTime()).toNanos(), 200);
            exportsBack = (System.nanoTime() - back) / 1e9;
            mismatches.forEach(m -> violations.add("after " + fault + " the exports were not back within "
                    + 2 * config.serviceDownTime() + " s: " + m));
        }
        return new FaultRecord(fault, target, (back - down) / 1e9, worked, exportsBack);
    }

    /** Seconds from {@code since} until a newly created volume was available. */
    private double timeToAWorkingCreate(long since) {
        String id = Await.value("a create that works", Duration.ofSeconds(180), () -> {
            String name = "probe-" + probes.incrementAndGet();
            try {
                Http.Response r = createVolume(name, "{\"volume\": {\"size\": 1, \"name\": \"" + name + "\"}}");
                if (r.status() != 202) {
                    return null;
                }
                String created = r.json().get("volume").get("id").asString();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (System.nanoTime() < deadline) {
                    String status = statusOf("/v3/admin/volumes/" + created, "volume");
                    if ("available".equals(status)) {
                        return created;
                    }
                    if ("error".equals(status)) {
                        return null;
                    }
                    Await.sleep(100);
                }
                return null;
            } catch (RuntimeException e) {
                return null;
            }
        }, v -> v != null);
        return (System.nanoTime() - since) / 1e9;
    }

    /**
     * Sends (or sends again) the create of volume {@code name} with its name as {@code Idempotency-Key} and
     * books the answer: accepted, refused, or none yet.
     */
    private Http.Response createVolume(String name, String body) {
        createBodies.putIfAbsent(name, body);
        Http.Response r;
        try {
            r = admin.post("/v3/admin/volumes", createBodies.get(name), Map.of("Idempotency-Key", name));
        } catch (RuntimeException e) {
            unansweredCreates.add(name);
            throw e;
        }
        count("create", r);
        if (r.status() == 202) {
            String id = r.json().get("volume").get("id").asString();
            String before = acceptedCreates.putIfAbsent(name, id);
            if (before != null && !before.equals(id)) {
                violations.add("create " + name + " sent again answered " + id + ", the first answer was " + before);
            }
            unansweredCreates.remove(name);
        } else if (r.status() < 500) {
            refusedCreates.add(name);
            unansweredCreates.remove(name);
        } else {
            unansweredCreates.add(name);
        }
        return r;
    }

    /** After the churn: every create still unanswered is sent again until it is answered. */
    private void answerUnansweredCreates() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!unansweredCreates.isEmpty() && System.nanoTime() < deadline) {
            for (String name : List.copyOf(unansweredCreates)) {
                try {
                    createVolume(name, createBodies.get(name));
                } catch (RuntimeException e) {
                    Await.sleep(500);
                }
            }
        }
        unansweredCreates.forEach(name -> violations.add("create " + name + " was never answered, though sent again for 60 s"));
    }

    private String statusOf(String path, String key) {
        try {
            Http.Response r = admin.get(path);
            return r.status() == 200 ? r.json().get(key).get("status").asString() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private long reportCount(String host, String binary) {
        try {
            List<Map<String, Object>> rows = query("SELECT report_count FROM services WHERE host = ? AND `binary` = ?", host, binary);
            return rows.isEmpty() ? -1 : ((Number) rows.get(0).get("report_count")).longValue();
        } catch (Exception e) {
            return -1;
        }
    }

    // ----- the clients ------------------------------------------------------------------------------------

    /** One client: creates, attaches, detaches, extends, snapshots and deletes its own volumes. */
    private final class Client {
        private final int n;
        private final Random rnd;
        private final AtomicBoolean running;
        private final List<String> volumes = new ArrayList<>();
        /** attachment id → volume id */
        private final Map<String, String> attachments = new HashMap<>();
        /** Attachments whose {@code os-complete} got no answer yet (retried, as Nova would). */
        private final Map<String, String> incomplete = new LinkedHashMap<>();
        /** instance uuid → volume id: attach requests that got no answer (looked up by instance, as Nova would). */
        private final Map<String, String> unknownAttach = new LinkedHashMap<>();
        private final List<String> snapshots = new ArrayList<>();
        /** This client's creates with no answer yet, sent again before anything else. */
        private final Set<String> myUnanswered = new LinkedHashSet<>();
        private int seq;

        Client(int n, Random rnd, AtomicBoolean running) {
            this.n = n;
            this.rnd = rnd;
            this.running = running;
        }

        void loop() {
            while (running.get()) {
                try {
                    if (!myUnanswered.isEmpty()) {
                        retryCreate(myUnanswered.iterator().next());
                        continue;
                    }
                    step();
                } catch (RuntimeException e) {
                    unanswered.incrementAndGet();
                }
                Await.sleep(50 + rnd.nextInt(200));
            }
        }

        private void step() {
            if (!incomplete.isEmpty()) {
                complete(incomplete.keySet().iterator().next());
                return;
            }
            if (!unknownAttach.isEmpty()) {
                adopt(unknownAttach.keySet().iterator().next());
                return;
            }
            int dice = rnd.nextInt(100);
            if (dice < 30 || volumes.isEmpty()) {
                create();
            } else if (dice < 45) {
                attach(pick(volumes));
            } else if (dice < 60 && !attachments.isEmpty()) {
                detach(pick(new ArrayList<>(attachments.keySet())));
            } else if (dice < 70) {
                extend(pick(volumes));
            } else if (dice < 80) {
                snapshot(pick(volumes));
            } else if (dice < 87 && !snapshots.isEmpty()) {
                deleteSnapshot(pick(snapshots));
            } else {
                deleteVolume(pick(volumes));
            }
        }

        private <T> T pick(List<T> list) {
            return list.get(rnd.nextInt(list.size()));
        }

        private void create() {
            String name = "c" + n + "-" + seq++;
            myUnanswered.add(name);
            retryCreate(name);
        }

        /** Sends the create of {@code name} (again), keeping the volume once it is answered. */
        private void retryCreate(String name) {
            Http.Response r;
            try {
                r = createVolume(name, "{\"volume\": {\"size\": " + (1 + rnd.nextInt(2)) + ", \"name\": \"" + name + "\"}}");
            } catch (RuntimeException e) {
                Await.sleep(200);
                throw e;
            }
            if (r.status() < 500) {
                myUnanswered.remove(name);
            }
            if (r.status() == 202) {
                volumes.add(r.json().get("volume").get("id").asString());
            }
        }

        private void attach(String volume) {
            if (attachments.containsValue(volume) || unknownAttach.containsValue(volume)) {
                return;
            }
            String instance = java.util.UUID.randomUUID().toString();
            Http.Response r;
            try {
                r = admin.withVersion("3.44").post("/v3/admin/attachments", "{\"attachment\": {\"volume_uuid\": \""
                        + volume + "\", \"instance_uuid\": \"" + instance + "\", \"connector\": " + CONNECTOR + "}}");
            } catch (RuntimeException e) {
                unknownAttach.put(instance, volume);
                throw e;
            }
            count("attach", r);
            if (r.status() == 200) {
                String id = r.json().get("attachment").get("id").asString();
                attachments.put(id, volume);
                incomplete.put(id, volume);
                complete(id);
            }
        }

        private void complete(String attachment) {
            Http.Response r = admin.withVersion("3.44").post("/v3/admin/attachments/" + attachment + "/action",
                    "{\"os-complete\": null}");
            count("complete", r);
            if (r.status() < 500) {
                incomplete.remove(attachment);
            }
        }

        /** Finds what an unanswered attach request left, by its instance, and takes it over. */
        private void adopt(String instance) {
            Http.Response r = admin.withVersion("3.44").get("/v3/admin/attachments?instance_id=" + instance);
            count("attachment-lookup", r);
            if (r.status() != 200) {
                return;
            }
            String volume = unknownAttach.remove(instance);
            for (JsonNode a : r.json().get("attachments")) {
                attachments.put(a.get("id").asString(), volume);
                incomplete.put(a.get("id").asString(), volume);
            }
        }

        private void detach(String attachment) {
            Http.Response r = admin.withVersion("3.44").delete("/v3/admin/attachments/" + attachment);
            count("detach", r);
            if (r.status() == 200 || r.status() == 404) {
                attachments.remove(attachment);
            }
        }

        private void extend(String volume) {
            JsonNode shown = show(volume);
            if (shown == null || !"available".equals(shown.get("status").asString())) {
                return;
            }
            int size = shown.get("size").asInt() + 1;
            Http.Response r = admin.post("/v3/admin/volumes/" + volume + "/action", "{\"os-extend\": {\"new_size\": " + size + "}}");
            count("extend", r);
            if (r.status() == 202) {
                acceptedExtends.merge(volume, size, Math::max);
            }
        }

        private void snapshot(String volume) {
            String name = "s" + n + "-" + seq++;
            Http.Response r = admin.post("/v3/admin/snapshots", "{\"snapshot\": {\"volume_id\": \"" + volume + "\", \"name\": \""
                    + name + "\", \"force\": true}}");
            count("snapshot", r);
            if (r.status() == 202) {
                String id = r.json().get("snapshot").get("id").asString();
                acceptedSnapshots.put(name, id);
                snapshots.add(id);
            }
        }

        private void deleteSnapshot(String snapshot) {
            Http.Response r = admin.delete("/v3/admin/snapshots/" + snapshot);
            count("snapshot-delete", r);
            if (r.status() == 202) {
                acceptedSnapshotDeletes.add(snapshot);
                snapshots.remove(snapshot);
            } else if (r.status() == 404) {
                snapshots.remove(snapshot);
            }
        }

        private void deleteVolume(String volume) {
            if (attachments.containsValue(volume)) {
                return;
            }
            Http.Response r = admin.delete("/v3/admin/volumes/" + volume + "?cascade=true");
            count("delete", r);
            if (r.status() == 202) {
                acceptedVolumeDeletes.add(volume);
                volumes.remove(volume);
            }
        }

        private JsonNode show(String volume) {
            Http.Response r = admin.get("/v3/admin/volumes/" + volume);
            return r.status() == 200 ? r.json().get("volume") : null;
        }
    }

    private void count(String op, Http.Response r) {
        answers.merge(op + " " + r.status(), 1, Integer::sum);
        if (r.status() >= 500 && r.status() != 503) {
            violations.add(op + " answered " + r.status() + ": " + r.body());
        }
    }

    // ----- the invariants ----------------------------------------------------------------------------------

    private final Set<String> ghosts = new HashSet<>();

    /**
     * Waits (at most twice {@code service_down_time}) for every transitional state to end by itself, then
     * checks what the clients were told against the database and the backends.
     */
    private void settleAndCheck() throws Exception {
        Duration bound = Duration.ofSeconds(2L * config.serviceDownTime());
        List<String> stuck = untilNone(this::stuck, System.nanoTime() + bound.toNanos(), 500);
        stuck.forEach(s -> violations.add("stuck beyond " + bound.toSeconds() + " s: " + s));

        Map<String, List<Map<String, Object>>> byName = new HashMap<>();
        for (Map<String, Object> row : query("SELECT id, display_name, status, deleted, size FROM volumes")) {
            byName.computeIfAbsent((String) row.get("display_name"), k -> new ArrayList<>()).add(row);
        }
        Set<String> withMessage = new HashSet<>();
        query("SELECT resource_uuid FROM messages").forEach(r -> withMessage.add((String) r.get("resource_uuid")));
        byName.forEach((name, rows) -> {
            if (rows.size() > 1) {
                violations.add("create " + name + " applied " + rows.size() + " times");
            }
        });
        acceptedCreates.forEach((name, id) -> {
            List<Map<String, Object>> rows = byName.getOrDefault(name, List.of());
            Map<String, Object> row = rows.stream().filter(r -> id.equals(r.get("id"))).findFirst().orElse(null);
            if (row == null) {
                violations.add("create " + name + " answered 202 with " + id + " but no such volume exists (lost)");
                return;
            }
            boolean deleted = isTrue(row.get("deleted"));
            String status = (String) row.get("status");
            if (acceptedVolumeDeletes.contains(id)) {
                if (!deleted) {
                    violations.add("delete of " + id + " answered 202 but the volume is " + status);
                }
            } else if (deleted) {
                violations.add("volume " + id + " is deleted though no delete was accepted");
            } else if (status.equals("error") ? !withMessage.contains(id)
                    : !Set.of("available", "in-use", "error_extending").contains(status)) {
                violations.add("accepted create " + id + " ended " + status + (status.equals("error") ? " without a user message" : ""));
            } else if (status.equals("error_extending") && !withMessage.contains(id)) {
                violations.add("volume " + id + " ended error_extending without a user message");
            }
        });
        refusedCreates.forEach(name -> {
            if (byName.containsKey(name)) {
                violations.add("create " + name + " was answered with an error but applied");
            }
        });
        unansweredCreates.forEach(name -> {
            if (byName.containsKey(name)) {
                ghosts.add(name);
            }
        });
        acceptedExtends.forEach((id, size) -> {
            if (acceptedVolumeDeletes.contains(id)) {
                return;
            }
            List<Map<String, Object>> rows = query("SELECT size, status FROM volumes WHERE id = ?", id);
            int actual = ((Number) rows.get(0).get("size")).intValue();
            if (actual < size && !withMessage.contains(id)) {
                violations.add("extend of " + id + " to " + size + " answered 202 but it has " + actual + " GiB and no user message");
            }
        });
        Map<String, Map<String, Object>> snapshotRows = new HashMap<>();
        query("SELECT id, status, deleted FROM snapshots").forEach(r -> snapshotRows.put((String) r.get("id"), r));
        acceptedSnapshots.forEach((name, id) -> {
            Map<String, Object> row = snapshotRows.get(id);
            if (row == null) {
                violations.add("snapshot " + name + " answered 202 with " + id + " but does not exist (lost)");
                return;
            }
            boolean deleted = isTrue(row.get("deleted"));
            String status = (String) row.get("status");
            if (acceptedSnapshotDeletes.contains(id)) {
                if (!deleted) {
                    violations.add("delete of snapshot " + id + " answered 202 but it is " + status);
                }
            } else if (!deleted && !status.equals("available") && !(status.equals("error") && withMessage.contains(id))) {
                violations.add("accepted snapshot " + id + " ended " + status);
            }
        });
        checkCapacityClaims();
        leakReport();
    }

    /**
     * Asks {@code problems} every {@code pauseMillis} until it finds none or {@code deadlineNanos}
     * ({@link System#nanoTime}) passes; returns its last answer.
     */
    private static List<String> untilNone(Supplier<List<String>> problems, long deadlineNanos,
            long pauseMillis) {
        List<String> found = problems.get();
        while (!found.isEmpty() && System.nanoTime() < deadlineNanos) {
            Await.sleep(pauseMillis);
            found = problems.get();
        }
        return found;
    }

    /** Transitional rows: volumes, snapshots, attachments. */
    private List<String> stuck() {
        List<String> found = new ArrayList<>();
        for (Map<String, Object> r : query("SELECT id, status, host, updated_at FROM volumes WHERE deleted = FALSE")) {
            if (TRANSITIONAL_VOLUME.contains((String) r.get("status"))) {
                found.add("volume " + r.get("id") + " " + r.get("status") + " on " + r.get("host") + " since " + r.get("updated_at"));
            }
        }
        for (Map<String, Object> r : query("SELECT id, status FROM snapshots WHERE deleted = FALSE")) {
            if (TRANSITIONAL_SNAPSHOT.contains((String) r.get("status"))) {
                found.add("snapshot " + r.get("id") + " " + r.get("status"));
            }
        }
        for (Map<String, Object> r : query("SELECT id, volume_id, attach_status FROM volume_attachment WHERE deleted = FALSE "
                + "AND attach_status IN ('attaching', 'detaching')")) {
            found.add("attachment " + r.get("id") + " of volume " + r.get("volume_id") + " " + r.get("attach_status"));
        }
        return found;
    }

    /** Every pool's claims equal the sizes (and count) of the live volumes placed in it. */
    private void checkCapacityClaims() {
        Map<String, long[]> live = new HashMap<>();
        for (Map<String, Object> r : query("SELECT host, size FROM volumes WHERE deleted = FALSE AND host IS NOT NULL")) {
            long[] sum = live.computeIfAbsent((String) r.get("host"), k -> new long[2]);
            sum[0] += ((Number) r.get("size")).longValue();
            sum[1]++;
        }
        for (Map<String, Object> p : query("SELECT name, allocated_capacity_gb, volume_count FROM pools")) {
            long[] sum = live.getOrDefault((String) p.get("name"), new long[2]);
            long claimed = ((Number) p.get("allocated_capacity_gb")).longValue();
            long count = ((Number) p.get("volume_count")).longValue();
            if (claimed != sum[0] || count != sum[1]) {
                violations.add("pool " + p.get("name") + " claims " + claimed + " GiB in " + count + " volumes but holds "
                        + sum[0] + " GiB in " + sum[1]);
            }
        }
    }

    /**
     * Storage without a row and rows (that must have storage) without it, on every backend (files, RBD images
     * and their snapshots) and, on the ipSAN backend, targets and CHAP accounts against the live exports.
     */
    private void leakReport() throws Exception {
        Set<String> liveVolumes = new HashSet<>();
        Set<String> mustExist = new HashSet<>();
        for (Map<String, Object> r : query("SELECT id, status, host FROM volumes WHERE deleted = FALSE AND host IS NOT NULL")) {
            liveVolumes.add("volume-" + r.get("id"));
            if (Set.of("available", "in-use").contains((String) r.get("status"))) {
                mustExist.add(r.get("host").toString().replaceFirst("#.*", "") + "/volume-" + r.get("id"));
            }
        }
        for (Map<String, Object> r : query("SELECT s.id, s.status, v.host FROM snapshots s JOIN volumes v ON v.id = s.volume_id "
                + "WHERE s.deleted = FALSE")) {
            liveVolumes.add("snapshot-" + r.get("id"));
            if ("available".equals(r.get("status")) && r.get("host") != null) {
                mustExist.add(r.get("host").toString().replaceFirst("#.*", "") + "/snapshot-" + r.get("id"));
            }
        }
        storedObjects().forEach((backend, names) -> names.forEach(name -> {
            if (!liveVolumes.contains(name)) {
                violations.add("leak: " + backend + " holds " + name + " with no live row");
            }
            mustExist.remove(backend + "/" + name);
        }));
        mustExist.forEach(m -> violations.add("leak: a live row points at the missing image " + m));
        if (tgtd != null) {
            // Exports converge within an export-check interval of the last change; give them the bound.
            List<String> mismatches = untilNone(() -> exportMismatches(true),
                    System.nanoTime() + Duration.ofSeconds(2L * config.serviceDownTime()).toNanos(), 500);
            mismatches.forEach(m -> violations.add("leak: " + m));
        }
    }

    /** What each backend holds: its volume and snapshot files, or its RBD images and their snapshots. */
    private Map<String, Set<String>> storedObjects() throws Exception {
        Map<String, Set<String>> stored = new LinkedHashMap<>();
        for (Map.Entry<String, Path> backend : backendDirs.entrySet()) {
            try (Stream<Path> files = Files.list(backend.getValue())) {
                stored.put(backend.getKey(), files.map(f -> f.getFileName().toString())
                        .filter(name -> name.startsWith("volume-") || name.startsWith("snapshot-"))
                        .collect(Collectors.toCollection(TreeSet::new)));
            }
        }
        if (ceph != null) {
            Set<String> names = new TreeSet<>();
            for (String image : ceph.images()) {
                names.add(image);
                for (JsonNode snap : Json.parse(ceph.rbd("snap", "ls", "--all", "--format", "json", ceph.pool() + "/" + image))) {
                    JsonNode namespace = snap.path("namespace");
                    String type = namespace.path("type").asString("user");
                    names.add(snap.get("name").asString() + (type.equals("user") ? ""
                            : " (a snapshot of " + image + " in librbd's " + type + " namespace: " + namespace + ")"));
                }
            }
            stored.put(rbdBackend, names);
        }
        return stored;
    }

    /**
     * How the ipSAN backend's exports differ between what tgtd serves and what the driver's target files
     * record (a target and a CHAP account for each file, nothing else) and, with {@code againstDatabase},
     * what the database implies: a target for each of its volumes with a live attachment made with a
     * connector, and none other.
     */
    private List<String> exportMismatches(boolean againstDatabase) {
        List<String> found = new ArrayList<>();
        try {
            Set<String> served = tgtd.targetNames();
            Set<String> accounts = tgtd.accountNames();
            Set<String> recorded = new TreeSet<>();
            Set<String> users = new TreeSet<>();
            try (Stream<Path> files = Files.list(targetFiles)) {
                for (Path f : files.filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                    recorded.add(IQN_PREFIX + f.getFileName());
                    for (String line : Files.readAllLines(f)) {
                        if (line.trim().startsWith("incominguser ")) {
                            users.add(line.trim().split("\\s+")[1]);
                        }
                    }
                }
            }
            difference(recorded, served).forEach(t -> found.add("the target file of " + t + " has no target in tgtd"));
            difference(served, recorded).forEach(t -> found.add("tgtd serves " + t + " with no target file"));
            difference(users, accounts).forEach(u -> found.add("CHAP user " + u + " of a target file has no tgtd account"));
            difference(accounts, users).forEach(u -> found.add("tgtd has the CHAP account " + u + " of no target"));
            if (againstDatabase) {
                Set<String> exported = new TreeSet<>();
                query("SELECT DISTINCT v.id FROM volumes v JOIN volume_attachment a ON a.volume_id = v.id WHERE v.deleted = FALSE "
                        + "AND a.deleted = FALSE AND a.connector IS NOT NULL AND a.attach_status IN ('attaching', 'attached', "
                        + "'detaching') AND v.host LIKE ?", ipsanBackend + "#%")
                        .forEach(r -> exported.add(IQN_PREFIX + "volume-" + r.get("id")));
                difference(exported, served).forEach(t -> found.add("attached volume's target " + t + " is not served"));
                difference(served, exported).forEach(t -> found.add("tgtd serves " + t + " though its volume has no live attachment"));
            }
        } catch (Exception e) {
            found.add("cannot compare the exports: " + e);
        }
        return found;
    }

    private static final String IQN_PREFIX = "iqn.2010-10.org.openstack:";

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }

    /**
     * Deletes everything left, the way a user would (attachments, then volumes with their snapshots), and
     * checks it all goes: no row, no image, no claim remains.
     */
    private void cleanUpAndCheck() throws Exception {
        for (Map<String, Object> a : query("SELECT id FROM volume_attachment WHERE deleted = FALSE")) {
            Http.Response r = admin.withVersion("3.44").delete("/v3/admin/attachments/" + a.get("id"));
            if (r.status() != 200 && r.status() != 404) {
                violations.add("cleanup: attachment " + a.get("id") + " delete answered " + r);
            }
        }
        Await.sleep(1_000);
        for (Map<String, Object> v : query("SELECT id FROM volumes WHERE deleted = FALSE")) {
            Http.Response r = admin.delete("/v3/admin/volumes/" + v.get("id") + "?cascade=true");
            if (r.status() != 202 && r.status() != 404) {
                violations.add("cleanup: volume " + v.get("id") + " delete answered " + r);
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(2L * config.serviceDownTime() + 30).toNanos();
        while (System.nanoTime() < deadline && !query("SELECT id FROM volumes WHERE deleted = FALSE").isEmpty()) {
            Await.sleep(500);
        }
        query("SELECT id, status FROM volumes WHERE deleted = FALSE")
                .forEach(v -> violations.add("cleanup: volume " + v.get("id") + " still " + v.get("status") + " after its delete"));
        checkCapacityClaims();
        leakReport();
        // Storage noted as left on a backend a create was taken back from: each backend removes it within a
        // stats interval while it runs, and both run now.
        query("SELECT backend, volume_id FROM abandoned_storage").forEach(a -> violations.add("cleanup: " + a.get("backend")
                + " has not yet removed what it may hold of volume " + a.get("volume_id") + ", which left it"));
    }

    // ----- database access --------------------------------------------------------------------------------

    List<Map<String, Object>> query(String sql, Object... args) {
        try (Connection c = mariadb.connect("cinder"); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int i = 1; i <= columns; i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (Exception e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static boolean isTrue(Object value) {
        return value instanceof Boolean b ? b : value instanceof Number n && n.intValue() != 0;
    }

    Http admin() {
        return admin;
    }

    static String json(Object o) {
        return Json.write(o);
    }

    @Override
    public void close() throws Exception {
        cluster.close();
        if (tgtd != null) {
            tgtd.close();
        }
        if (ceph != null) {
            ceph.close();
        }
        rabbit.close();
        mariadb.close();
        new ProcessBuilder("rm", "-rf", state.toString()).start().waitFor();
    }
}
