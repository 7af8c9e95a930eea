package io.jasyncio.examples.http;

import java.nio.charset.StandardCharsets;

/**
 * What a handler answers: a status, a content type and a body, sent with {@code Content-Length}.
 *
 * <pre>{@code
 * HttpResponse ok = HttpResponse.text(200, "Hello, World!\n");
 * }</pre>
 *
 * @param status      the status code, e.g. 200
 * @param contentType the {@code Content-Type} header's value
 * @param body        the bytes of the body
 */
public record HttpResponse(int status, String contentType, byte[] body) {
    /** A {@code text/plain; charset=utf-8} response. */
    public static HttpResponse text(int status, String body) {
        return new HttpResponse(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    /** The reason phrase of the status codes the example uses. */
    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status " + status;
        };
    }
}
