package io.eager4j.data;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Receives an HTTP response body and hands it to one writing thread, which waits at most a read
 * timeout for each piece. HttpClient's own request timeout stops at the response headers, so a
 * server that stalls mid-body would otherwise hang the download forever.
 */
final class TimedBody implements Flow.Subscriber<List<ByteBuffer>> {
    private static final Object END = new Object();
    private final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
    private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription.complete(s);
        s.request(1); // one piece at a time: the queue never holds more than one
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        items.add(item);
    }

    @Override
    public void onError(Throwable t) {
        items.add(t);
    }

    @Override
    public void onComplete() {
        items.add(END);
    }

    /** Stops the transfer (now, or as soon as it starts). */
    void cancel() {
        subscription.thenAccept(Flow.Subscription::cancel);
    }

    /** Writes the whole body to {@code out}; returns its length. */
    long copyTo(WritableByteChannel out, Duration readTimeout, long maxBytes)
            throws IOException, InterruptedException {
        long total = 0;
        while (true) {
            Object item = items.poll(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (item == null) {
                cancel();
                throw new HttpTimeoutException("no data for " + readTimeout.toMillis() + " ms after "
                        + total + " bytes");
            }
            if (item == END) {
                return total;
            }
            if (item instanceof Throwable t) {
                throw t instanceof IOException io ? io : new IOException(t);
            }
            for (Object piece : (List<?>) item) {
                ByteBuffer buffer = (ByteBuffer) piece;
                total += buffer.remaining();
                if (total > maxBytes) {
                    cancel();
                    throw new IOException("body is larger than " + maxBytes + " bytes");
                }
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
            subscription.join().request(1);
        }
    }
}
