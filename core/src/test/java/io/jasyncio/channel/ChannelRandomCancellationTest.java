package io.jasyncio.channel;

import static io.jasyncio.channel.ChannelTesting.awaitAll;
import static io.jasyncio.channel.ChannelTesting.run;
import static io.jasyncio.channel.ChannelTesting.runReady;
import static io.jasyncio.sync.SyncTesting.cancelOldestOther;
import static io.jasyncio.sync.SyncTesting.cancelRandom;
import static io.jasyncio.sync.SyncTesting.untilNothingMoves;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Cancellation at random moments (seeded, so a failure replays exactly) must never lose or
 * duplicate a value, nor strand a value next to a waiting receiver. As in sync's
 * RandomCancellationTest, tasks also cancel the oldest waiter of the other side right after
 * their own operation: usually the one they have just woken, which is the dangerous moment.
 *
 * <p>The invariant checked at the end is exact: the values whose {@code send} returned are
 * exactly the values received, each once; a value whose send threw was never received.
 */
@Timeout(60)
class ChannelRandomCancellationTest {
    private static final int TASKS = 300;




    /**
     * Senders and receivers arrive in random order on channels {@code a} and {@code b}; with
     * {@code viaSelect}, a third of the receivers select over both channels and a third of the
     * senders select which of the two to send to.
     */
    @ParameterizedTest
    @CsvSource({"0,1,false", "0,7,false", "1,42,false", "3,1234,false", "3,987654321,false",
            "0,1,true", "0,7,true", "1,42,true", "3,1234,true", "3,987654321,true"})
    void noValueIsLostDuplicatedOrStrandedUnderRandomCancellation(int capacity, long seed, boolean viaSelect) {
        run(() -> {
            Random rnd = new Random(seed);
            Channel<Integer> a = capacity == 0 ? Channel.rendezvous() : Channel.bounded(capacity);
            Channel<Integer> b = capacity == 0 ? Channel.rendezvous() : Channel.bounded(capacity);
            Set<Integer> sent = new HashSet<>();
            List<Integer> received = new ArrayList<>();
            List<Task<?>> senders = new ArrayList<>();
            List<Task<?>> receivers = new ArrayList<>();
            List<Task<?>> all = new ArrayList<>();
            int[] next = {0};
            for (int i = 0; i < TASKS; i++) {
                boolean chaos = rnd.nextInt(3) == 0;
                int kind = rnd.nextInt(3);
                if (rnd.nextBoolean()) {
                    int value = next[0]++;
                    Task<Void> t = Asyncio.createTask(() -> {
                        if (viaSelect && kind == 0) {
                            new Select<Void>().onSend(a, value, () -> null).onSend(b, value, () -> null).await();
                        } else {
                            (kind == 1 ? b : a).send(value);
                        }
                        sent.add(value);
                        if (chaos) cancelOldestOther(receivers);
                    });
                    senders.add(t);
                    all.add(t);
                } else {
                    Task<Void> t = Asyncio.createTask(() -> {
                        int v = viaSelect && kind == 0
                                ? new Select<Integer>().onReceive(a, x -> x).onReceive(b, x -> x).await()
                                : (kind == 1 ? b : a).receive();
                        received.add(v);
                        if (chaos) cancelOldestOther(senders);
                    });
                    receivers.add(t);
                    all.add(t);
                }
                if (rnd.nextInt(5) == 0) cancelRandom(all, rnd);
                if (rnd.nextInt(3) == 0) runReady(rnd.nextInt(3));
            }
            untilNothingMoves(() -> received.size() * 1000 + sent.size());
            // No receiver may wait next to a value it could take. (Plain receivers of one channel
            // and selects over both: check per channel whether anyone who could take is waiting.)
            for (Channel<Integer> ch : List.of(a, b)) {
                assertFalse(ch.available() && ch.hasWaitingReceiver(), "a value is stranded next to a waiting receiver: " + ch);
            }
            a.close();
            b.close();
            for (Channel<Integer> ch : List.of(a, b)) {
                for (int x : ch) received.add(x);
            }
            for (Task<?> t : all) {
                try {
                    t.await();
                } catch (io.jasyncio.CancelledError | ChannelClosed expected) {
                    // cancelled by the chaos, or still waiting at the close
                }
            }
            assertEquals(received.size(), new HashSet<>(received).size(), "no value received twice");
            assertEquals(sent, new HashSet<>(received), "exactly the values whose send returned were received");
            long cancelled = all.stream().filter(Task::cancelled).count();
            assertTrue(cancelled > TASKS / 10, "the test should cancel many tasks, cancelled " + cancelled);
        });
    }

    /**
     * All receivers queue up first on an empty channel; then senders arrive at random and, now
     * and then, cancel the oldest waiting receiver right after their send, which is usually the
     * one that send has just woken. Nobody arrives later to take a stranded value, so a lost
     * wake-up stays visible as a value next to waiting receivers.
     */
    @ParameterizedTest
    @CsvSource({"0,1", "0,42", "1,7", "3,1234", "3,987654321"})
    void aWokenReceiverCancelledBeforeItRunsNeverStrandsAValue(int capacity, long seed) {
        run(() -> {
            Random rnd = new Random(seed);
            Channel<Integer> ch = capacity == 0 ? Channel.rendezvous() : Channel.bounded(capacity);
            List<Task<?>> receivers = new ArrayList<>();
            List<Task<?>> senders = new ArrayList<>();
            Set<Integer> sent = new HashSet<>();
            List<Integer> received = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) receivers.add(Asyncio.createTask(() -> {
                received.add(ch.receive());
            }));
            runReady();
            for (int i = 0; i < TASKS / 2; i++) {
                int value = i;
                boolean chaos = rnd.nextInt(3) == 0;
                senders.add(Asyncio.createTask(() -> {
                    ch.send(value);
                    sent.add(value);
                    if (chaos) cancelOldestOther(receivers);
                }));
                if (rnd.nextInt(5) == 0) cancelRandom(receivers, rnd);
                if (rnd.nextInt(3) == 0) runReady(rnd.nextInt(3));
            }
            untilNothingMoves(() -> received.size() * 1000 + sent.size());
            long waiting = receivers.stream().filter(t -> !t.done()).count();
            assertTrue(waiting > 0, "the test needs receivers left waiting");
            assertFalse(ch.available(), waiting + " receivers wait next to a value: " + ch);
            ch.close();
            for (Task<?> t : receivers) {
                try {
                    t.await();
                } catch (io.jasyncio.CancelledError | ChannelClosed expected) {
                    // cancelled by the chaos, or still waiting at the close
                }
            }
            for (int x : ch) received.add(x);
            awaitAll(senders);
            assertEquals(received.size(), new HashSet<>(received).size(), "no value received twice");
            assertEquals(sent, new HashSet<>(received));
        });
    }
}
