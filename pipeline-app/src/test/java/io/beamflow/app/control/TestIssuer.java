package io.beamflow.app.control;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A test identity provider: RSA and EC keys generated here, their public halves served as a JWKS on a loopback
 * HTTP server (port 0), tokens signed with them. Counts key-set fetches; keys can be added (rotation).
 */
final class TestIssuer implements AutoCloseable {
    static final String ISSUER = "https://login.facility.example/realms/users";
    static final String AUDIENCE = "beamflow-p11";

    final RSAKey rsa;
    final ECKey ec;
    private final List<JWK> published = new CopyOnWriteArrayList<>();
    private final HttpServer http;
    final AtomicInteger fetches = new AtomicInteger();
    private volatile String override;
    private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean hang;

    TestIssuer() throws JOSEException, IOException {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        published.add(rsa.toPublicJWK());
        published.add(ec.toPublicJWK());
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        http.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-issuer");
            t.setDaemon(true);
            return t;
        }));
        http.createContext("/jwks", ex -> {
            fetches.incrementAndGet();
            if (hang) {
                try {
                    released.await(); // an identity provider that accepts the connection and never answers
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String body = override != null ? override : new JWKSet(List.copyOf(published)).toString();
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(b);
            }
        });
        http.start();
    }

    /** @return the JWKS URL (loopback) */
    String jwksUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/jwks";
    }

    /** Publishes one more public key (a key rotation at the identity provider). */
    void publish(JWK key) {
        published.add(key.toPublicJWK());
    }

    /** Serves this text instead of the key set (null: the key set again). */
    void serve(String body) {
        override = body;
    }

    /** @return claims valid for ten minutes for this issuer and audience, with the given subject */
    static JWTClaimsSet.Builder claims(String subject) {
        long now = System.currentTimeMillis();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject(subject)
                .issueTime(new Date(now - 1000)).notBeforeTime(new Date(now - 1000))
                .expirationTime(new Date(now + 600_000));
    }

    /** @return a token signed RS256 with the published RSA key */
    String token(JWTClaimsSet.Builder claims) throws JOSEException {
        return sign(JWSAlgorithm.RS256, rsa, new RSASSASigner(rsa), claims.build());
    }

    /** @return a token signed RS256 with the published RSA key, claims adjusted */
    String token(String subject, Consumer<JWTClaimsSet.Builder> adjust) throws JOSEException {
        JWTClaimsSet.Builder b = claims(subject);
        adjust.accept(b);
        return token(b);
    }

    /** @return a token signed ES256 with the published EC key */
    String ecToken(JWTClaimsSet.Builder claims) throws JOSEException {
        return sign(JWSAlgorithm.ES256, ec, new ECDSASigner(ec), claims.build());
    }

    static String sign(JWSAlgorithm alg, JWK key, JWSSigner signer, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    /** Makes the key-set endpoint accept requests and never answer them (until closed). */
    void hang() {
        hang = true;
    }

    @Override
    public void close() {
        released.countDown();
        http.stop(0);
    }
}
