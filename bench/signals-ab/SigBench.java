import io.jasyncio.*;
import java.util.concurrent.*;

/** Two costs the signals branch adds: Asyncio.run on the main thread (SIGINT hook), and a blocking select + cross-thread wake-up per iteration (interrupt watch re-armed). */
public class SigBench {
    public static void main(String[] args) throws Exception {
        String what = args[0];
        int n = Integer.parseInt(args[1]);
        if (args.length > 2) Thread.currentThread().setName("not-main");
        if (what.equals("run")) {
            for (int i = 0; i < n / 10; i++) Asyncio.run(() -> 1); // warm-up
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) Asyncio.run(() -> 1);
            System.out.println((System.nanoTime() - t0) / n);
        } else if (what.equals("yield")) {
            // one loop iteration per sleep(0): the per-iteration check of the interrupt watch.
            long ns = Asyncio.run(() -> {
                for (int i = 0; i < n / 10; i++) Asyncio.sleep(java.time.Duration.ZERO);
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) Asyncio.sleep(java.time.Duration.ZERO);
                return (System.nanoTime() - t0) / n;
            });
            System.out.println(ns);
        } else {
            // ping-pong: a platform thread hands a callback to the sleeping loop, which answers.
            try (EventLoop loop = new EventLoop()) {
                ArrayBlockingQueue<Integer> back = new ArrayBlockingQueue<>(1);
                Thread peer = Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < n + n / 10; i++) {
                            if (i == n / 10) System.setProperty("t0", Long.toString(System.nanoTime()));
                            loop.callSoonThreadsafe(() -> back.offer(1));
                            back.take();
                        }
                        loop.callSoonThreadsafe(loop::stop);
                    } catch (InterruptedException e) {
                        throw new RuntimeException(e);
                    }
                });
                loop.runForever();
                long t0 = Long.parseLong(System.getProperty("t0"));
                System.out.println((System.nanoTime() - t0) / n);
                peer.join();
            }
        }
    }
}
