package dev.ember.scheduler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * A scheduler weigher, as Cinder's: raw weights are normalised to 0..1 across the candidates, then
 * multiplied by the weigher's multiplier; weights of several weighers add up; the highest total wins.
 */
public interface Weigher {

    String name();

    double multiplier();

    double rawWeight(BackendState state, RequestSpec spec);

    /**
     * Ours, the default: least loaded first. Fewest volumes wins; among pools with as many volumes,
     * the one with the most free (virtual) capacity. Computed as one raw weight, {@code -volumes +
     * free/(1 + max free)}, so the tie-break can never outweigh a difference of one volume.
     */
    Weigher LEAST_LOADED = new Weigher() {
        @Override
        public String name() {
            return "LeastLoadedWeigher";
        }

        @Override
        public double multiplier() {
            return 1.0;
        }

        @Override
        public double rawWeight(BackendState state, RequestSpec spec) {
            throw new UnsupportedOperationException("weighed as a whole by order()");
        }
    };

    /** Cinder's {@code CapacityWeigher}: most virtual free capacity wins; infinite or unknown counts least. */
    Weigher CAPACITY = simple("CapacityWeigher", 1.0, (s, spec) -> {
        double free = CapacityMath.virtualFreeGb(s, spec.thin());
        return Double.isInfinite(free) || Double.isNaN(free) ? Double.NEGATIVE_INFINITY : free;
    });

    /** Cinder's {@code VolumeNumberWeigher}: fewest volumes wins. */
    Weigher VOLUME_NUMBER = simple("VolumeNumberWeigher", -1.0, (s, spec) -> s.volumeCount());

    /** Cinder's {@code AllocatedCapacityWeigher}: least allocated capacity wins. */
    Weigher ALLOCATED_CAPACITY = simple("AllocatedCapacityWeigher", -1.0, (s, spec) -> s.allocatedCapacityGb());

    static Weigher simple(String name, double multiplier, java.util.function.ToDoubleBiFunction<BackendState, RequestSpec> f) {
        return new Weigher() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double multiplier() {
                return multiplier;
            }

            @Override
            public double rawWeight(BackendState state, RequestSpec spec) {
                return f.applyAsDouble(state, spec);
            }
        };
    }

    static Weigher byName(String name) {
        return switch (name.trim()) {
            case "LeastLoadedWeigher" -> LEAST_LOADED;
            case "CapacityWeigher" -> CAPACITY;
            case "VolumeNumberWeigher" -> VOLUME_NUMBER;
            case "AllocatedCapacityWeigher" -> ALLOCATED_CAPACITY;
            default -> throw new IllegalArgumentException("unknown scheduler weigher: " + name + " (known: "
                    + "LeastLoadedWeigher, CapacityWeigher, VolumeNumberWeigher, AllocatedCapacityWeigher)");
        };
    }

    /** Candidates best first, by the summed normalised weights of {@code weighers}. */
    static List<BackendState> order(List<BackendState> candidates, List<Weigher> weighers, RequestSpec spec) {
        int n = candidates.size();
        double[] total = new double[n];
        for (Weigher weigher : weighers) {
            double[] raw = new double[n];
            if (weigher == LEAST_LOADED) {
                double maxFree = 0;
                for (BackendState s : candidates) {
                    double free = CapacityMath.virtualFreeGb(s, spec.thin());
                    if (!Double.isInfinite(free) && !Double.isNaN(free)) {
                        maxFree = Math.max(maxFree, free);
                    }
                }
                for (int i = 0; i < n; i++) {
                    double free = CapacityMath.virtualFreeGb(candidates.get(i), spec.thin());
                    double tieBreak = Double.isInfinite(free) || Double.isNaN(free) ? 0.5 : Math.max(0, free) / (1 + maxFree);
                    total[i] += -candidates.get(i).volumeCount() + tieBreak;
                }
                continue;
            }
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                raw[i] = weigher.rawWeight(candidates.get(i), spec);
                if (Double.isFinite(raw[i])) {
                    min = Math.min(min, raw[i]);
                    max = Math.max(max, raw[i]);
                }
            }
            for (int i = 0; i < n; i++) {
                double normalised;
                if (!Double.isFinite(raw[i])) {
                    normalised = 0;
                } else if (max == min) {
                    normalised = 0;
                } else {
                    normalised = (raw[i] - min) / (max - min);
                }
                total[i] += weigher.multiplier() * normalised;
            }
        }
        List<Integer> index = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            index.add(i);
        }
        index.sort(Comparator.comparingDouble((Integer i) -> total[i]).reversed()
                .thenComparing(i -> candidates.get(i).pool()));
        List<BackendState> ordered = new ArrayList<>();
        index.forEach(i -> ordered.add(candidates.get(i)));
        return Collections.unmodifiableList(ordered);
    }
}
