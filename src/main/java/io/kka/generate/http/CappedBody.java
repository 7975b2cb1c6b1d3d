package io.kka.generate.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body handler that holds at most {@code max} bytes: a {@code Content-Length} over the cap is refused
 * before the body is read, and a body that streams past it is cancelled at the cap. Either way the response
 * completes with a {@link TooLargeException}, so a hostile or broken server cannot make an executor buffer an
 * unbounded reply.
 */
final class CappedBody implements HttpResponse.BodyHandler<byte[]> {
    private final long max;

    /** @param max the most body bytes held */
    CappedBody(long max) {
        this.max = max;
    }

    @Override
    public HttpResponse.BodySubscriber<byte[]> apply(HttpResponse.ResponseInfo info) {
        long declared = info.headers().firstValueAsLong("content-length").orElse(-1L);
        return new Subscriber(info.statusCode(), declared);
    }

    /** The body was longer than the cap. */
    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;

        TooLargeException(int status, String message) {
            super(message);
            this.status = status;
        }

        /** @return the response's HTTP status */
        int status() {
            return status;
        }
    }

    private final class Subscriber implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final int status;
        private final long declared;
        private Flow.Subscription subscription;

        Subscriber(int status, long declared) {
            this.status = status;
            this.declared = declared;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (declared > max) {
                s.cancel();
                body.completeExceptionally(new TooLargeException(status, "response body of " + declared
                        + " bytes (Content-Length) is over the cap of " + max + " (http.max_response_bytes); not read"));
                return;
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if (out.size() + (long) b.remaining() > max) {
                    subscription.cancel();
                    body.completeExceptionally(new TooLargeException(status, "response body is over the cap of "
                            + max + " bytes (http.max_response_bytes); cut off there"));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                out.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable t) {
            body.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            body.complete(out.toByteArray());
        }
    }
}
