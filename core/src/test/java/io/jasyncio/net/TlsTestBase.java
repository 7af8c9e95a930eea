package io.jasyncio.net;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every TLS test class starts from: a throwaway openssl certificate for "localhost" and
 * 127.0.0.1 ({@link #certs}), made once per class in the class's temporary directory
 * ({@link #dir}, free for other files too). Test classes run one after another, so the shared
 * static fields are never used by two classes at once.
 */
abstract class TlsTestBase {
    @TempDir
    static Path dir;
    static TlsTesting certs;

    @BeforeAll
    static void makeCertificate() throws Exception {
        certs = TlsTesting.generate(dir);
    }
}
