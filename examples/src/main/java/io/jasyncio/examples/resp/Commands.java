package io.jasyncio.examples.resp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The commands the RESP server understands, with Redis's replies and error messages:
 * PING, ECHO, GET, SET (EX, PX, NX, XX), DEL, EXISTS, INCR, EXPIRE, PEXPIRE, TTL, PTTL, MGET,
 * DBSIZE, FLUSHDB, FLUSHALL, SELECT 0, CONFIG GET (empty), QUIT.
 */
final class Commands {
    private Commands() {
    }

    static void run(Store store, List<byte[]> args, RespConnection c) {
        String name = new String(args.get(0), StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
        int argc = args.size();
        switch (name) {
            case "PING" -> {
                if (argc == 1) c.simple("PONG");
                else if (argc == 2) c.bulk(args.get(1));
                else arity(c, name);
            }
            case "ECHO" -> {
                if (argc != 2) arity(c, name);
                else c.bulk(args.get(1));
            }
            case "GET" -> {
                if (argc != 2) arity(c, name);
                else c.bulk(store.get(key(args, 1)));
            }
            case "SET" -> set(store, args, c);
            case "DEL", "EXISTS" -> {
                if (argc < 2) {
                    arity(c, name);
                    return;
                }
                int n = 0;
                for (int i = 1; i < argc; i++) {
                    if (name.equals("DEL") ? store.delete(key(args, i)) : store.exists(key(args, i))) n++;
                }
                c.integer(n);
            }
            case "INCR" -> {
                if (argc != 2) {
                    arity(c, name);
                    return;
                }
                try {
                    c.integer(store.incr(key(args, 1)));
                } catch (NumberFormatException e) {
                    c.error(e.getMessage() != null && e.getMessage().contains("overflow")
                            ? "increment or decrement would overflow" : "value is not an integer or out of range");
                }
            }
            case "EXPIRE", "PEXPIRE" -> {
                if (argc != 3) {
                    arity(c, name);
                    return;
                }
                long t = number(args.get(2));
                if (t == Long.MIN_VALUE) {
                    c.error("value is not an integer or out of range");
                    return;
                }
                if (name.equals("EXPIRE") && Math.abs(t) > Long.MAX_VALUE / 1000) {
                    c.error("invalid expire time in 'expire' command");
                    return;
                }
                c.integer(store.expire(key(args, 1), name.equals("EXPIRE") ? t * 1000 : t) ? 1 : 0);
            }
            case "TTL", "PTTL" -> {
                if (argc != 2) {
                    arity(c, name);
                    return;
                }
                long ms = store.pttl(key(args, 1));
                // Redis rounds TTL to the nearest second.
                c.integer(ms < 0 || name.equals("PTTL") ? ms : (ms + 500) / 1000);
            }
            case "MGET" -> {
                if (argc < 2) {
                    arity(c, name);
                    return;
                }
                c.arrayHeader(argc - 1);
                for (int i = 1; i < argc; i++) c.bulk(store.get(key(args, i)));
            }
            case "DBSIZE" -> c.integer(store.size());
            case "FLUSHDB", "FLUSHALL" -> {
                store.clear();
                c.simple("OK");
            }
            case "SELECT" -> {
                if (argc == 2 && new String(args.get(1), StandardCharsets.US_ASCII).equals("0")) c.simple("OK");
                else c.error("DB index is out of range");
            }
            case "CONFIG" -> c.arrayHeader(0); // redis-benchmark asks for "save" and "appendonly": nothing to report
            case "QUIT" -> c.quit();
            default -> {
                StringBuilder sb = new StringBuilder("unknown command '").append(RespConnection.str(args.get(0)))
                        .append("', with args beginning with: ");
                for (int i = 1; i < argc && i < 4; i++) sb.append('\'').append(RespConnection.str(args.get(i))).append("' ");
                c.error(sb.toString());
            }
        }
    }

    private static void set(Store store, List<byte[]> args, RespConnection c) {
        int argc = args.size();
        if (argc < 3) {
            arity(c, "SET");
            return;
        }
        long ttl = 0;
        boolean nx = false;
        boolean xx = false;
        for (int i = 3; i < argc; i++) {
            String opt = new String(args.get(i), StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
            switch (opt) {
                case "NX" -> nx = true;
                case "XX" -> xx = true;
                case "EX", "PX" -> {
                    if (i + 1 >= argc || ttl != 0) {
                        c.error("syntax error");
                        return;
                    }
                    long t = number(args.get(++i));
                    if (t <= 0 || t == Long.MIN_VALUE || (opt.equals("EX") && t > Long.MAX_VALUE / 1000)) {
                        c.error("invalid expire time in 'set' command");
                        return;
                    }
                    ttl = opt.equals("EX") ? t * 1000 : t;
                }
                default -> {
                    c.error("syntax error");
                    return;
                }
            }
        }
        if (nx && xx) {
            c.error("syntax error");
            return;
        }
        String key = key(args, 1);
        if ((nx && store.exists(key)) || (xx && !store.exists(key))) {
            c.bulk(null);
            return;
        }
        store.set(key, args.get(2), ttl);
        c.simple("OK");
    }

    private static String key(List<byte[]> args, int i) {
        return new String(args.get(i), StandardCharsets.UTF_8);
    }

    /** A signed decimal, or Long.MIN_VALUE if malformed. */
    private static long number(byte[] b) {
        try {
            return Long.parseLong(new String(b, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    private static void arity(RespConnection c, String name) {
        c.error("wrong number of arguments for '" + name.toLowerCase(Locale.ROOT) + "' command");
    }
}
