package io.eager4j.internal.cpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.stream.Stream;

/**
 * Extracts OpenBLAS and its runtime from the org.bytedeco:openblas linux-x86_64 jar into
 * {@code $XDG_CACHE_HOME/eager4j/native/<content-hash>/} (or {@code ~/.cache/eager4j/...}), once: a
 * temporary folder is filled, then renamed into place, so a reader never sees half a library.
 * No JavaCPP code runs; we only read the jar's resources.
 */
final class BundledOpenBlas {
    static final String PLATFORM = "linux-x86_64";
    static final String RESOURCE_DIR = "org/bytedeco/openblas/" + PLATFORM + "/";
    /** Load order: libopenblas's dependencies first, libopenblas last. */
    static final List<String> FILES = List.of("libgcc_s.so.1", "libquadmath.so.0", "libgfortran.so.5", "libopenblas.so.0");

    private record Resource(String name, URL url, long size, String fingerprint) {}

    private BundledOpenBlas() {}

    /** The four extracted files in load order; throws with the reason when the jar is absent or unusable. */
    static List<Path> extract() throws IOException {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IllegalStateException("no bundled OpenBLAS for " + os + "-" + arch + " (only " + PLATFORM + ")");
        }
        List<Resource> resources = new ArrayList<>();
        for (String name : FILES) {
            resources.add(resource(name));
        }
        Path root = cacheRoot().resolve("native");
        Path dir = root.resolve(hash(resources));
        if (!complete(dir, resources)) {
            Files.createDirectories(root);
            Path tmp = Files.createTempDirectory(root, dir.getFileName() + ".tmp-"); // owner-only on POSIX
            for (Resource r : resources) {
                try (InputStream in = r.url().openStream()) {
                    Files.copy(in, tmp.resolve(r.name()));
                }
            }
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (!complete(dir, resources)) {
                    dir = tmp; // a broken folder is in the way: use our fresh copy
                } else {
                    deleteTree(tmp); // another process won the race
                }
            }
        }
        List<Path> files = new ArrayList<>();
        for (String name : FILES) {
            files.add(dir.resolve(name));
        }
        return files;
    }

    static Path cacheRoot() {
        return io.eager4j.internal.CacheDir.root();
    }

    private static Resource resource(String name) throws IOException {
        URL url = BundledOpenBlas.class.getClassLoader().getResource(RESOURCE_DIR + name);
        if (url == null) {
            throw new IllegalStateException("org.bytedeco:openblas:" + PLATFORM + " is not on the class path (no "
                    + RESOURCE_DIR + name + ")");
        }
        URLConnection conn = url.openConnection();
        if (conn instanceof JarURLConnection jar) {
            // size and CRC from the jar's directory: a content fingerprint without inflating 37 MB each start
            JarEntry e = jar.getJarEntry();
            return new Resource(name, url, e.getSize(), e.getSize() + ":" + Long.toHexString(e.getCrc()));
        }
        try (InputStream in = conn.getInputStream()) {
            MessageDigest md = sha256();
            long size = 0;
            byte[] buf = new byte[1 << 16];
            for (int got; (got = in.read(buf)) > 0; size += got) {
                md.update(buf, 0, got);
            }
            return new Resource(name, url, size, size + ":" + HexFormat.of().formatHex(md.digest()));
        }
    }

    private static String hash(List<Resource> resources) {
        MessageDigest md = sha256();
        for (Resource r : resources) {
            md.update((r.name() + "=" + r.fingerprint() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(md.digest(), 0, 12);
    }

    private static boolean complete(Path dir, List<Resource> resources) {
        for (Resource r : resources) {
            Path f = dir.resolve(r.name());
            try {
                if (!Files.isRegularFile(f) || (r.size() >= 0 && Files.size(f) != r.size())) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort: a stray temporary folder in the cache does no harm
        }
    }
}
