package dev.rseqagent.tooling.shim;

import dev.rseqagent.bootstrap.AgentClassLoader;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Extracts native libraries from the agent jar into a private, owner-only
 * directory ({@code <base>/rseq-agent-<uid>/}; base: java.io.tmpdir, else the
 * user's cache directory, see {@link Shim#load}), named by their
 * content. The same library therefore always has the same path (the dynamic
 * loader hands every loader of it the one copy already mapped), and a second
 * start reuses the file instead of writing it again. CRC32 plus length names
 * the content; an existing file is reused only if its own CRC32 and length
 * match. From the agent's own loader the name comes from the jar's directory,
 * so a reused file costs no read of the jar at all.
 */
final class ShimExtractor {
    static final String HASH = "{hash}";
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE); // rwx------, not parsed

    private ShimExtractor() {
    }

    /** The shim for {@code resource}, as {@code <base>/rseq-agent-<uid>/<name>-<hash>.so}. */
    static Path extract(ClassLoader loader, String resource, Path base, int uid) throws IOException {
        String name = resource.substring(resource.lastIndexOf('/') + 1);
        return extract(loader, resource, base, uid, name.replace(".so", "-" + HASH + ".so"));
    }

    /**
     * Extracts {@code resource} to {@code <base>/rseq-agent-<uid>/<namePattern>}, where
     * {@value #HASH} in the pattern stands for the content; a pattern with a directory
     * ({@code "jnidispatch-{hash}/libjnidispatch.so"}) gets that directory, owner-only too.
     */
    static Path extract(ClassLoader loader, String resource, Path base, int uid, String namePattern)
            throws IOException {
        return extract(loader, resource, base, uid, namePattern, recordedTag(loader, resource));
    }

    /**
     * As above, {@code recordedTag} being the resource's content tag as the jar
     * records it (null: unknown): a copy on disk that matches it is used
     * without reading the resource at all.
     */
    static Path extract(ClassLoader loader, String resource, Path base, int uid, String namePattern,
            String recordedTag) throws IOException {
        byte[] bytes = recordedTag == null ? read(loader, resource) : null;
        String tag = recordedTag != null ? recordedTag : contentTag(bytes);
        Path dir = privateDirectory(base.resolve("rseq-agent-" + uid), uid);
        Path target = dir.resolve(namePattern.replace(HASH, tag));
        if (!target.getParent().equals(dir)) {
            privateDirectory(target.getParent(), uid);
        }
        if (holds(target, tag)) {
            return target;
        }
        if (bytes == null) {
            bytes = read(loader, resource);
            if (!contentTag(bytes).equals(tag)) {
                throw new IOException("the agent jar's " + resource + " does not match its own checksum");
            }
        }
        return write(bytes, target);
    }

    /** The agent's loader knows its resources' CRC-32 and length without reading them; others do not (null). */
    private static String recordedTag(ClassLoader loader, String resource) {
        long[] recorded = loader instanceof AgentClassLoader ? ((AgentClassLoader) loader).recordedChecksum(resource) : null;
        return recorded == null ? null : tag(recorded[0], recorded[1]);
    }

    private static byte[] read(ClassLoader loader, String resource) throws IOException {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("the agent jar has no " + resource);
            }
            return in.readAllBytes();
        }
    }

    static String contentTag(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return tag(crc.getValue(), bytes.length);
    }

    private static String tag(long crc32, long length) {
        return Long.toHexString(crc32) + "-" + Long.toHexString(length);
    }

    /**
     * Whether {@code target} already holds the content {@code tag} names: same
     * length and CRC32 (a native loop; Arrays.equals runs interpreted this
     * early and costs milliseconds). The directory is owner-only, so the check
     * is against truncation and corruption, not against a crafted collision.
     */
    private static boolean holds(Path target, String tag) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException absent) {
            return false;
        }
        if (!attributes.isRegularFile() || !tag.endsWith("-" + Long.toHexString(attributes.size()))) {
            return false;
        }
        try (FileInputStream in = new FileInputStream(target.toFile())) {
            return contentTag(in.readAllBytes()).equals(tag);
        }
    }

    /**
     * Writes {@code bytes} to {@code target} through a temporary file and an
     * atomic rename. java.io rather than Files.read/write: NIO channels are
     * ~15 classes more on the start-up path.
     */
    private static Path write(byte[] bytes, Path target) throws IOException {
        File temp = new File(target.getParent().toFile(), target.getFileName() + ".tmp-"
                + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            try (FileOutputStream out = new FileOutputStream(temp)) {
                out.write(bytes);
            }
            Files.move(temp.toPath(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            temp.delete();
        }
        return target;
    }

    /**
     * The process's user id, which names and owns the private directory: a
     * user name is not enough, as a container user without a passwd entry
     * (OpenShift's random ids) is "?" to the JVM, however many there are.
     * The owner of {@code procSelf}; where no /proc is mounted (chroots,
     * minimal sandboxes), the owner of a file the process creates in one of
     * {@code bases}.
     */
    static int processUid(Path procSelf, List<Path> bases) throws IOException {
        StringBuilder failures = new StringBuilder();
        try {
            return (Integer) Files.getAttribute(procSelf, "unix:uid");
        } catch (IOException e) {
            failures.append(procSelf).append(": ").append(e);
        }
        for (Path base : bases) {
            try {
                Path probe = Files.createTempFile(base, ".rseq-agent-uid-", "");
                try {
                    return (Integer) Files.getAttribute(probe, "unix:uid");
                } finally {
                    Files.delete(probe);
                }
            } catch (IOException e) {
                failures.append("; ").append(base).append(": ").append(e);
            }
        }
        throw new IOException("cannot tell this process's user id (" + failures + ")");
    }

    /** Creates the directory owner-only, or refuses one another user owns or could write (two lstats when it exists). */
    static Path privateDirectory(Path dir, int uid) throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException absent) { // the first start: made, then checked like any other
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException raced) {
                // another JVM made it first
            }
            attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
        if (!attributes.isDirectory()) {
            throw new IOException(dir + " is not a directory (or is a symbolic link)");
        }
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (owner != uid) {
            throw new IOException(dir + " belongs to uid " + owner + ", not uid " + uid);
        }
        Set<PosixFilePermission> perms = attributes.permissions();
        if (!perms.equals(OWNER_ONLY)) {
            throw new IOException(dir + " has permissions " + PosixFilePermissions.toString(perms)
                    + ", expected rwx------");
        }
        return dir;
    }
}
