package io.kka.generate.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Tests for {@link CappedBody}: a reply is held only up to the cap, declared or streamed. */
class CappedBodyTest {

    private static HttpResponse.ResponseInfo info(Long contentLength) {
        HttpHeaders h = HttpHeaders.of(contentLength == null ? Map.of()
                : Map.of("content-length", List.of(String.valueOf(contentLength))), (a, b) -> true);
        return new HttpResponse.ResponseInfo() {
            @Override
            public int statusCode() {
                return 200;
            }

            @Override
            public HttpHeaders headers() {
                return h;
            }

            @Override
            public HttpClient.Version version() {
                return HttpClient.Version.HTTP_1_1;
            }
        };
    }

    private static final class Sub implements Flow.Subscription {
        final AtomicBoolean cancelled = new AtomicBoolean();
        long requested;

        @Override
        public void request(long n) {
            requested = n;
        }

        @Override
        public void cancel() {
            cancelled.set(true);
        }
    }

    private static Throwable failure(HttpResponse.BodySubscriber<byte[]> s) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> s.getBody().toCompletableFuture().get(5, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void aBodyUnderTheCapIsReadWhole() throws Exception {
        HttpResponse.BodySubscriber<byte[]> s = new CappedBody(10).apply(info(null));
        s.onSubscribe(new Sub());
        s.onNext(List.of(ByteBuffer.wrap(new byte[] {1, 2, 3}), ByteBuffer.wrap(new byte[] {4, 5, 6, 7, 8, 9, 10})));
        s.onComplete();
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, s.getBody().toCompletableFuture().get());
    }

    @Test
    void aStreamedBodyIsCutAtTheCap() {
        HttpResponse.BodySubscriber<byte[]> s = new CappedBody(1000).apply(info(null));
        Sub sub = new Sub();
        s.onSubscribe(sub);
        for (int i = 0; i < 5; i++) {
            s.onNext(List.of(ByteBuffer.allocate(300)));
        }
        assertTrue(sub.cancelled.get(), "the transfer is cancelled at the cap");
        Throwable t = failure(s);
        assertTrue(t instanceof CappedBody.TooLargeException, String.valueOf(t));
        assertEquals("response body is over the cap of 1000 bytes (http.max_response_bytes); cut off there",
                t.getMessage());
    }

    @Test
    void aDeclaredLengthOverTheCapIsNeverRead() {
        HttpResponse.BodySubscriber<byte[]> s = new CappedBody(1000).apply(info(5_000_000_000L));
        Sub sub = new Sub();
        s.onSubscribe(sub);
        assertTrue(sub.cancelled.get());
        assertEquals(0, sub.requested, "not one byte requested");
        assertEquals("response body of 5000000000 bytes (Content-Length) is over the cap of 1000"
                + " (http.max_response_bytes); not read", failure(s).getMessage());
    }
}
