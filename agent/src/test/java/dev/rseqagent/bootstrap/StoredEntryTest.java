package dev.rseqagent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredEntryTest {
    private static final byte[] CONTENT = "0123456789 a stored entry's bytes".getBytes(StandardCharsets.US_ASCII);

    @Test
    void anyRangeOfAStoredEntryIsReadInPlace(@TempDir Path tmp) throws IOException {
        Path zip = zip(tmp, "a comment after the directory");
        try (RandomAccessFile file = new RandomAccessFile(zip.toFile(), "r")) {
            StoredEntry entry = StoredEntry.find(file, "dir/stored.bin");
            assertNotNull(entry);

            byte[] all = new byte[CONTENT.length];
            entry.read(0, all);
            assertArrayEquals(CONTENT, all);
            byte[] middle = new byte[5];
            entry.read(11, middle);
            assertArrayEquals(Arrays.copyOfRange(CONTENT, 11, 16), middle);
            assertThrows(IOException.class, () -> entry.read(CONTENT.length - 2, new byte[3]), "past its end");
            assertThrows(IOException.class, () -> entry.read(-1, new byte[1]));
        }
    }

    @Test
    void deflatedAbsentOrPrefixNamedEntriesAreNotFound(@TempDir Path tmp) throws IOException {
        Path zip = zip(tmp, null);
        try (RandomAccessFile file = new RandomAccessFile(zip.toFile(), "r")) {
            assertNull(StoredEntry.find(file, "dir/deflated.bin"), "deflated: the caller reads it through ZipFile");
            assertNull(StoredEntry.find(file, "dir/absent.bin"));
            assertNull(StoredEntry.find(file, "dir/stored"));
        }
    }

    @Test
    void aZipWithBytesBeforeItIsLeftToZipFile(@TempDir Path tmp) throws IOException {
        byte[] zip = Files.readAllBytes(zip(tmp, null));
        byte[] prefixed = new byte[zip.length + 100]; // a launcher stub before the archive
        System.arraycopy(zip, 0, prefixed, 100, zip.length);
        Path file = Files.write(tmp.resolve("prefixed.zip"), prefixed);
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            assertNull(StoredEntry.find(in, "dir/stored.bin"), "offsets are the archive's, not the file's");
        }
    }

    @Test
    void somethingThatIsNotAZipHasNoEntries(@TempDir Path tmp) throws IOException {
        Path notZip = Files.write(tmp.resolve("not.zip"), "just text, no end record".getBytes(StandardCharsets.US_ASCII));
        try (RandomAccessFile file = new RandomAccessFile(notZip.toFile(), "r")) {
            assertNull(StoredEntry.find(file, "dir/stored.bin"));
        }
    }

    /** A zip with a deflated entry, then the stored one (with an extra field), then an optional comment. */
    private static Path zip(Path dir, String comment) throws IOException {
        Path zip = dir.resolve("test.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("dir/deflated.bin"));
            out.write(CONTENT);
            ZipEntry stored = new ZipEntry("dir/stored.bin");
            stored.setMethod(ZipEntry.STORED);
            stored.setSize(CONTENT.length);
            CRC32 crc = new CRC32();
            crc.update(CONTENT);
            stored.setCrc(crc.getValue());
            stored.setExtra(new byte[] {(byte) 0xfe, (byte) 0xca, 2, 0, 7, 7}); // an unknown extra field, 2 bytes
            out.putNextEntry(stored);
            out.write(CONTENT);
            out.closeEntry();
            if (comment != null) {
                out.setComment(comment);
            }
        }
        return zip;
    }
}
