package dev.rseqagent.tooling.shim;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * Extracts the shim from the agent jar into a private, owner-only directory
 * ({@code <java.io.tmpdir>/rseq-agent-<user>/}), named by its content hash.
 * The same shim therefore always has the same path, and the dynamic loader
 * hands every loader of it the one copy already mapped.
 */
final class ShimExtractor {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private ShimExtractor() {
    }

    static Path extract(ClassLoader loader, String resource, Path baseDir, String user) throws IOException {
        byte[] bytes;
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("the agent jar has no " + resource);
            }
            bytes = in.readAllBytes();
        }
        Path dir = privateDirectory(baseDir.resolve("rseq-agent-" + user), user);
        String name = resource.substring(resource.lastIndexOf('/') + 1);
        Path target = dir.resolve(name.replace(".so", "-" + sha256Prefix(bytes) + ".so"));
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.size(target) == bytes.length) {
            return target;
        }
        Path temp = Files.createTempFile(dir, "shim", ".tmp");
        try {
            Files.write(temp, bytes);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        return target;
    }

    /** Creates the directory owner-only, or refuses one that another user could write. */
    static Path privateDirectory(Path dir, String user) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
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

    private static String sha256Prefix(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
