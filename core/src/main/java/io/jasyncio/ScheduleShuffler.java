package io.jasyncio;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;

/**
 * The randomized schedule of {@link EventLoop#setRandomSchedule(long)}: before each iteration
 * runs its batch of ready callbacks, the batch is permuted with a seeded {@link Random}, so a
 * test run under many seeds explores orders that plain FIFO never shows, and a failing seed
 * replays exactly.
 *
 * <h2>What is kept</h2>
 * asyncio guarantees only that callbacks scheduled by one producer run in the order scheduled.
 * So handles are grouped by producer, each group keeps its order, and only the interleaving of
 * groups is random. The producer of a handle is the callback or task step that was running when
 * it was appended to the ready queue: everything appended while handle {@code h} runs is one
 * contiguous segment at the tail, so a size before and after each run identifies it, with no
 * bookkeeping in the scheduling paths. Handles appended outside any run (cross-thread work,
 * I/O readiness, due timers, the loop's own setup) form one group per iteration: conservative,
 * so timers stay in deadline order and cross-thread work in arrival order. A task's steps all
 * share its step handle as producer tag, so one task's wake-ups also stay in order.
 *
 * <p>Loop thread only; costs nothing when not enabled (the loop checks one field per iteration).
 */
final class ScheduleShuffler {
    private final long seed;
    private final Random random;
    /**
     * Producer tags of the handles in the ready queue after the current batch, in queue order.
     * Shorter than the queue only by the untagged handles at its tail.
     */
    private final ArrayDeque<Object> tags = new ArrayDeque<>();
    private int sizeBeforeRun;

    ScheduleShuffler(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    long seed() {
        return seed;
    }

    /** Permutes the whole ready queue (this iteration's batch) keeping each producer's order. */
    void permute(ArrayDeque<Handle> ready) {
        int n = ready.size();
        if (tags.size() > n) tags.clear(); // the queue was cleared (close()): start over
        Object external = new Object();
        while (tags.size() < n) tags.add(external);
        if (n < 2) {
            tags.clear();
            return;
        }
        IdentityHashMap<Object, ArrayDeque<Handle>> byTag = new IdentityHashMap<>();
        List<ArrayDeque<Handle>> groups = new ArrayList<>(); // first-appearance order: deterministic
        for (int i = 0; i < n; i++) {
            Handle h = ready.poll();
            Object tag = tags.poll();
            ArrayDeque<Handle> g = byTag.get(tag);
            if (g == null) {
                g = new ArrayDeque<>();
                byTag.put(tag, g);
                groups.add(g);
            }
            g.add(h);
        }
        for (int remaining = n; remaining > 0; remaining--) {
            // Each remaining handle equally likely to be next, among the heads of the groups.
            int r = random.nextInt(remaining);
            for (ArrayDeque<Handle> g : groups) {
                if (r < g.size()) {
                    ready.add(g.poll());
                    break;
                }
                r -= g.size();
            }
        }
    }

    void beforeRun(ArrayDeque<Handle> ready) {
        sizeBeforeRun = ready.size();
    }

    /** Tags what {@code h} appended to the ready queue while it ran. */
    void afterRun(Handle h, ArrayDeque<Handle> ready) {
        for (int added = ready.size() - sizeBeforeRun; added > 0; added--) tags.add(h);
    }
}
