package io.jasyncio.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The JDK's name resolver for the core tests (installed for the whole test JVM through
 * {@code META-INF/services}), with one addition: names under {@link #SUFFIX} and the reverse lookup
 * of {@link #SLOW_REVERSE} resolve only after {@link #DELAY}, blocking the thread that asked as a
 * slow DNS server would. Every other lookup goes to the built-in resolver unchanged.
 */
public final class SlowNamesResolverProvider extends InetAddressResolverProvider {
    static final String SUFFIX = ".slow.jasyncio.test";
    static final Duration DELAY = Duration.ofSeconds(1);
    /** 127.0.0.253: its reverse lookup is slow and answers {@code "reverse" + SUFFIX}. */
    static final byte[] SLOW_REVERSE = {127, 0, 0, (byte) 253};
    /** The threads on which slow lookups ran, in order. */
    static final List<Thread> LOOKUP_THREADS = new CopyOnWriteArrayList<>();

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                if (host.equals("reverse" + SUFFIX)) {
                    // getCanonicalHostName() checks that the name maps back to the address.
                    return Stream.of(InetAddress.getByAddress(host, SLOW_REVERSE));
                }
                if (!host.endsWith(SUFFIX)) return builtin.lookupByName(host, policy);
                slow();
                return Stream.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                if (!Arrays.equals(addr, SLOW_REVERSE)) return builtin.lookupByAddress(addr);
                slow();
                return "reverse" + SUFFIX;
            }
        };
    }

    /**
     * Waits {@link #DELAY} the way a real lookup does: blocked in a read of a pipe, which a
     * virtual thread cannot unmount from (a plain sleep would only park a task, not block a loop),
     * here the output of a {@code sleep 1} child that ends with EOF.
     */
    private static void slow() throws UnknownHostException {
        LOOKUP_THREADS.add(Thread.currentThread());
        try {
            Process p = new ProcessBuilder("sleep", Long.toString(DELAY.toSeconds())).redirectErrorStream(true).start();
            try (var out = p.getInputStream()) {
                out.read();
            }
            p.waitFor();
        } catch (java.io.IOException e) {
            throw (UnknownHostException) new UnknownHostException("the test resolver could not wait: " + e).initCause(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String name() {
        return "jasyncio tests: slow names";
    }
}
