package io.jasyncio.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * Name resolution off the loop: asyncio's {@code getaddrinfo}/{@code getnameinfo} run the blocking
 * system resolver in the default executor. IP literals are parsed on the spot, with no hop.
 */
final class Resolver {
    private Resolver() {
    }

    /** The addresses of {@code host} (null: the wildcard address), in the resolver's order. */
    static List<InetSocketAddress> resolve(EventLoop loop, String host, int port) throws IOException {
        checkPort(port);
        if (host == null) return List.of(new InetSocketAddress(port));
        try {
            return List.of(new InetSocketAddress(InetAddress.ofLiteral(host), port));
        } catch (IllegalArgumentException notALiteral) {
            // a name: ask the system resolver, which may block
        }
        InetAddress[] all = awaitIo(loop.runInExecutor(null, () -> InetAddress.getAllByName(host)));
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetAddress a : new LinkedHashSet<>(List.of(all))) out.add(new InetSocketAddress(a, port));
        return out;
    }

    /**
     * {@code addresses} reordered so that address families alternate, the first family (that of
     * the first address) leading with {@code firstFamilyCount} addresses: asyncio's
     * {@code _interleave_addrinfos}. Within a family the order is kept. RFC 8305 section 4: a
     * family that fails entirely should not delay the other by more than one attempt.
     */
    static List<InetSocketAddress> interleave(List<InetSocketAddress> addresses, int firstFamilyCount) {
        if (firstFamilyCount < 1) throw new IllegalArgumentException("firstFamilyCount must be >= 1: " + firstFamilyCount);
        Map<Class<?>, ArrayDeque<InetSocketAddress>> byFamily = new LinkedHashMap<>();
        for (InetSocketAddress a : addresses) {
            byFamily.computeIfAbsent(a.getAddress().getClass(), k -> new ArrayDeque<>()).add(a);
        }
        List<InetSocketAddress> out = new ArrayList<>(addresses.size());
        List<ArrayDeque<InetSocketAddress>> families = new ArrayList<>(byFamily.values());
        if (families.isEmpty()) return out;
        ArrayDeque<InetSocketAddress> first = families.get(0);
        for (int i = 1; i < firstFamilyCount && !first.isEmpty(); i++) out.add(first.poll());
        while (out.size() < addresses.size()) {
            for (ArrayDeque<InetSocketAddress> family : families) {
                if (!family.isEmpty()) out.add(family.poll());
            }
        }
        return out;
    }

    /** The host name of {@code address} (reverse lookup), or its literal when it has none. */
    static String nameOf(EventLoop loop, InetAddress address) throws IOException {
        return awaitIo(loop.runInExecutor(null, address::getCanonicalHostName));
    }

    static void checkPort(int port) {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range 0..65535: " + port);
    }

    /** Awaits {@code f}, rethrowing an {@link IOException} it failed with as itself. */
    static <T> T awaitIo(Future<T> f) throws IOException {
        try {
            return f.await();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw e;
        }
    }
}
