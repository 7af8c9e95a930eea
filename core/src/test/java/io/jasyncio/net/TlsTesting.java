package io.jasyncio.net;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway self-signed certificate for "localhost" and 127.0.0.1, with the SSL context of a
 * server presenting it and of a client trusting only it. {@link #generate} makes it with openssl
 * and keeps the PEM files for other tools; {@link #generateWithKeytool} makes it with the JDK's
 * keytool, for tests that must not depend on openssl (public for the stream tests), and has no
 * PEM files ({@link #certPem} and {@link #keyPem} are null).
 */
public record TlsTesting(Path certPem, Path keyPem, SSLContext server, SSLContext client, X509Certificate cert) {
    private static final char[] PASSWORD = "changeit".toCharArray();

    static TlsTesting generate(Path dir) throws Exception {
        assumeTrue(available("openssl", "version"), "openssl is needed to make a test certificate");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Path p12 = dir.resolve("server.p12");
        run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"));
        run(List.of("openssl", "pkcs12", "-export", "-in", cert.toString(), "-inkey", key.toString(),
                "-out", p12.toString(), "-passout", "pass:changeit"));
        X509Certificate x509;
        try (InputStream in = Files.newInputStream(cert)) {
            x509 = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        return withContexts(cert, key, load(p12), x509);
    }

    /** An EC certificate made with the JDK's keytool. */
    public static TlsTesting generateWithKeytool(Path dir) throws Exception {
        Path p12 = dir.resolve("server.p12");
        run(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", p12.toString(), "-storepass", "changeit"));
        KeyStore ks = load(p12);
        return withContexts(null, null, ks, (X509Certificate) ks.getCertificate("server"));
    }

    /** Options for a server presenting the certificate. */
    ServerOptions serverOptions() {
        return ServerOptions.defaults().withTls(TlsOptions.of(server));
    }

    private static KeyStore load(Path p12) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    /** The contexts of a server presenting the key in {@code ks} and of a client trusting only {@code cert}. */
    private static TlsTesting withContexts(Path certPem, Path keyPem, KeyStore ks, X509Certificate cert) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);

        return new TlsTesting(certPem, keyPem, server, clientContext("TLS", cert), cert);
    }

    /** A client context trusting only {@code cert}; {@code protocol} "TLSv1.2" offers TLS 1.2 at most. */
    private static SSLContext clientContext(String protocol, X509Certificate cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("localhost", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext client = SSLContext.getInstance(protocol);
        client.init(null, tmf.getTrustManagers(), null);
        return client;
    }

    /** A client context like {@link #client()} whose engines offer TLS 1.2 at most. */
    SSLContext tls12Client() throws Exception {
        return clientContext("TLSv1.2", cert);
    }

    /** Whether {@code cmd} runs and exits with 0 (e.g. a tool's version command). */
    static boolean available(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(cmd + " failed: " + out);
        }
    }

}
