package io.eager4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * Downloads a dataset file from the first mirror that serves a verified copy. The bytes go to a
 * hidden temporary file in the target folder ({@code .name.*.part}); only after the reader has
 * parsed it and matched its SHA-256 is it renamed into place (an atomic rename in the same folder),
 * so an interrupted or bad download never leaves a file that looks valid.
 */
final class Downloader {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    private static final long MAX_DOWNLOAD = 1L << 30; // far above any IDX .gz; stops an endless body

    /** Parses (and verifies) one file's content; throws {@link DataFileException} if it is bad. */
    interface Reader<T> {
        T read(InputStream in, long size, String name);
    }

    /** A verified file's parsed content and where it now lies. */
    record Loaded<T>(Path path, T value) {}

    private final Duration connectTimeout;
    private final Duration readTimeout;

    Downloader(Duration connectTimeout, Duration readTimeout) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    static Downloader standard() {
        return new Downloader(CONNECT_TIMEOUT, READ_TIMEOUT);
    }

    <T> Loaded<T> fetch(String title, DataFile file, Path folder, List<URI> mirrors, Reader<T> reader) {
        String missing = title + " file " + file.gzName() + " is not in " + folder;
        if (mirrors.isEmpty()) {
            throw unchecked(missing + " and downloads are off (no mirrors). " + howToFix(title, folder));
        }
        Path part;
        try {
            Files.createDirectories(folder);
            part = Files.createTempFile(folder, "." + file.name() + ".", ".part");
            readableByAll(part);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot download " + title + " file " + file.gzName() + " into "
                    + folder + " (" + describe(e) + "). " + howToFix(title, folder), e);
        }
        List<String[]> failures = new ArrayList<>();   // {where, why}
        try (HttpClient client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .version(HttpClient.Version.HTTP_1_1)
                .build()) {
            for (URI mirror : mirrors) {
                URI uri = mirror.resolve(file.gzName());
                try {
                    download(client, uri, part);
                    T value;
                    try (InputStream in = Files.newInputStream(part)) {
                        value = reader.read(in, Files.size(part), uri.toString());
                    }
                    Path target = folder.resolve(isGzip(part) ? file.gzName() : file.name());
                    Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
                    return new Loaded<>(target, value);
                } catch (DataFileException e) {
                    String why = e.getMessage().replace(Idx.ADVICE, "").replace(uri + ": ", "");
                    failures.add(new String[] {uri.toString(), "served a bad file: " + why});
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    String why = "download of " + uri + " was interrupted";
                    throw new UncheckedIOException(why, new InterruptedIOException(why));
                } catch (IOException | UncheckedIOException e) {
                    failures.add(new String[] {uri.toString(), describe(e)});
                }
            }
        } finally {
            try {
                Files.deleteIfExists(part); // gone already after a successful move
            } catch (IOException e) {
                failures.add(new String[] {"could not delete " + part, describe(e)});
            }
        }
        throw unchecked(missing + " and no mirror could provide it: " + clauses(failures) + ". " + howToFix(title, folder));
    }

    private void download(HttpClient client, URI uri, Path part) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(readTimeout).GET().build();
        HttpResponse<Flow.Publisher<List<ByteBuffer>>> response =
                client.send(request, HttpResponse.BodyHandlers.ofPublisher());
        TimedBody body = new TimedBody();
        response.body().subscribe(body);
        if (response.statusCode() != 200) {
            body.cancel();
            throw new IOException("HTTP " + response.statusCode());
        }
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            body.copyTo(out, readTimeout, MAX_DOWNLOAD);
            out.force(true); // on disk before the rename makes it look valid
        }
    }

    /** Temporary files start owner-only; the data file may live in a shared folder. */
    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not POSIX (Windows): the default permissions already follow the folder's
        }
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static String howToFix(String title, Path folder) {
        return "Put the file (raw or .gz) into " + folder + " by hand, or pass --data-dir / set EAGER4J_DATA"
                + " to a folder that holds the " + title + " files.";
    }

    private static UncheckedIOException unchecked(String message) {
        return new UncheckedIOException(message, new IOException(message));
    }

    /**
     * One clause per mirror ("URL: why; URL: why"), or when every mirror failed alike, the
     * mirrors and then the cause once ("URL, URL: why").
     */
    static String clauses(List<String[]> failures) {
        boolean alike = failures.size() > 1 && failures.stream().allMatch(f -> f[1].equals(failures.get(0)[1]));
        if (alike) {
            return String.join(", ", failures.stream().map(f -> f[0]).toList()) + ": " + failures.get(0)[1];
        }
        return String.join("; ", failures.stream().map(f -> f[0] + ": " + f[1]).toList());
    }

    /**
     * "ConnectException (UnresolvedAddressException: the host name does not resolve; no network?)",
     * "IOException: HTTP 404": HttpClient often leaves messages out and wraps an exception in
     * another of its own type, so the cause chain is walked with repeats dropped.
     */
    static String describe(Throwable e) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = e; t != null && parts.size() < 4; t = t.getCause()) {
            String message = t.getMessage(), type = t.getClass().getSimpleName();
            boolean said = message != null && !message.isBlank();
            String part = said ? type + ": " + message : type;
            if (t instanceof java.nio.channels.UnresolvedAddressException) part = type + ": the host name does not resolve; no network?";
            if (!parts.isEmpty() && parts.getLast().equals(type)) {
                parts.set(parts.size() - 1, part);   // a bare wrapper of its own cause's type: keep the telling one
            } else {
                parts.add(part);
            }
            if (said) break;   // a message says enough; its causes would repeat it
        }
        StringBuilder s = new StringBuilder(parts.get(0));
        for (int i = 1; i < parts.size(); i++) s.append(" (").append(parts.get(i));
        return s.append(")".repeat(parts.size() - 1)).toString();
    }
}
