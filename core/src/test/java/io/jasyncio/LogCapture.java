package io.jasyncio;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Captures what jasyncio logs through System.Logger (backed by java.util.logging in tests). */
public final class LogCapture extends Handler {
    private final List<LogRecord> records = new ArrayList<>();
    private final Logger logger = Logger.getLogger("io.jasyncio");

    public static LogCapture start() {
        LogCapture c = new LogCapture();
        c.logger.addHandler(c);
        return c;
    }

    @Override
    public synchronized void publish(LogRecord record) {
        records.add(record);
    }

    public synchronized List<String> messages() {
        List<String> out = new ArrayList<>();
        for (LogRecord r : records) {
            Object[] params = r.getParameters();
            String m = r.getMessage();
            if (params != null) m = java.text.MessageFormat.format(m, params);
            out.add(m);
        }
        return out;
    }

    public synchronized List<LogRecord> records() {
        return new ArrayList<>(records);
    }

    public void stop() {
        logger.removeHandler(this);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
