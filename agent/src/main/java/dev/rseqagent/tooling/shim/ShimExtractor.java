package dev.rseqagent.tooling.shim;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Extracts native libraries from the agent jar into a private, owner-only
 * directory ({@code <java.io.tmpdir>/rseq-agent-<user>/}), named by their
 * content. The same library therefore always has the same path (the dynamic
 * loader hands every loader of it the one copy already mapped), and a second
 * start reuses the file instead of writing it again. CRC32 plus length names
 * the content; an existing file is reused only if its own CRC32 and length
 * match.
 */
final class ShimExtractor {
    static final String HASH = "{hash}";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private ShimExtractor() {
    }

    /** The shim for {@code resource}, as {@code <base>/rseq-agent-<user>/<name>-<hash>.so}. */
    static Path extract(ClassLoader loader, String resource, Path base, String user) throws IOException {
        String name = resource.substring(resource.lastIndexOf('/') + 1);
        return extract(loader, resource, base, user, name.replace(".so", "-" + HASH + ".so"));
    }

    /**
     * Extracts {@code resource} to {@code <base>/rseq-agent-<user>/<namePattern>}, where
     * {@value #HASH} in the pattern stands for the content; a pattern with a directory
     * ({@code "jnidispatch-{hash}/libjnidispatch.so"}) gets that directory, owner-only too.
     */
    static Path extract(ClassLoader loader, String resource, Path base, String user, String namePattern)
            throws IOException {
        byte[] bytes = read(loader, resource);
        Path dir = privateDirectory(base.resolve("rseq-agent-" + user), user);
        String tag = contentTag(bytes);
        Path target = dir.resolve(namePattern.replace(HASH, tag));
        if (!target.getParent().equals(dir)) {
            privateDirectory(target.getParent(), user);
        }
        return install(bytes, tag, target);
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
        return Long.toHexString(crc.getValue()) + "-" + Integer.toHexString(bytes.length);
    }

    /**
     * Writes {@code bytes} (whose content tag is {@code tag}) to {@code target}
     * unless it already holds them: same length and CRC32 (a native loop;
     * Arrays.equals runs interpreted this early and costs milliseconds). The
     * directory is owner-only, so the check is against truncation and
     * corruption, not against a crafted collision.
     * java.io rather than Files.read/write: NIO channels are ~15 classes more on the start-up path.
     */
    private static Path install(byte[] bytes, String tag, Path target) throws IOException {
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.size(target) == bytes.length) {
            try (FileInputStream in = new FileInputStream(target.toFile())) {
                if (contentTag(in.readAllBytes()).equals(tag)) {
                    return target;
                }
            }
        }
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

    /** Creates the directory owner-only, or refuses one that another user could write. */
    static Path privateDirectory(Path dir, String user) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException raced) {
                // another JVM made it first; checked below like any existing one
            }
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory (or is a symbolic link)");
        }
        String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
        if (!owner.equals(user)) {
            throw new IOException(dir + " belongs to " + owner + ", not " + user);
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (!perms.equals(OWNER_ONLY)) {
            throw new IOException(dir + " has permissions " + PosixFilePermissions.toString(perms)
                    + ", expected rwx------");
        }
        return dir;
    }
}
