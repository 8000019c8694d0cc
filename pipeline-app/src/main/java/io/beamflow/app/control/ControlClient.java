package io.beamflow.app.control;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Minimal HTTP client of the control API, used by the {@code beamflow rules} command. */
public final class ControlClient {
    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * A response.
     *
     * @param status HTTP status
     * @param body   body text
     */
    public record Response(int status, String body) {
    }

    /**
     * @param base  server base URL, e.g. {@code http://127.0.0.1:8080/}
     * @param token operator token for mutations ({@code null}: none)
     */
    public ControlClient(URI base, String token) {
        this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
        this.token = token;
    }

    /**
     * @param method HTTP method
     * @param path   path relative to the base, e.g. {@code api/rules}
     * @param body   JSON body or {@code null}
     * @return the response
     * @throws IOException when the server cannot be reached
     */
    public Response call(String method, String path, String body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null && !token.isBlank()) {
            b.header("Authorization", "Bearer " + token.trim());
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.net.ConnectException e) {
            throw new IOException("cannot connect to the control server at " + base + " (is beamflow running?)", e);
        }
    }
}
