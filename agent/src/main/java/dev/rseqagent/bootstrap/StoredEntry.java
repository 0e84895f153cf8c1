package dev.rseqagent.bootstrap;

import java.io.IOException;
import java.io.RandomAccessFile;

/**
 * A stored (not deflated) zip entry read straight from the file: a seek and a
 * read for any slice of it. Java's ZipFile makes each read of an entry a new
 * stream (a directory lookup, its local header read again, a registration), all
 * interpreted when the agent starts; the pack is read ~100 times before main.
 * Where the entry's bytes start comes from the zip's end record, its central
 * directory and the entry's local header (ZIP application note, 4.3).
 */
final class StoredEntry implements ClassPack.Source {
    private static final int END_SIGNATURE = 0x06054b50;
    private static final int END_LENGTH = 22;
    private static final int MAX_COMMENT = 0xffff;
    private static final int DIRECTORY_SIGNATURE = 0x02014b50;
    private static final int DIRECTORY_HEADER = 46;
    private static final int LOCAL_SIGNATURE = 0x04034b50;
    private static final int LOCAL_HEADER = 30;
    private static final int STORED = 0;

    private final RandomAccessFile zip;
    private final long start;
    private final long length;

    private StoredEntry(RandomAccessFile zip, long start, long length) {
        this.zip = zip;
        this.start = start;
        this.length = length;
    }

    /**
     * Entry {@code name} of {@code zip}, or null if the zip has no such entry,
     * has it deflated, needs ZIP64 or has offsets that do not add up (then the
     * caller reads it through ZipFile, which copes with all of them).
     */
    static StoredEntry find(RandomAccessFile zip, String name) throws IOException {
        byte[] end = endRecord(zip);
        if (end == null) {
            return null;
        }
        long directoryLength = u32(end, 12);
        long directoryAt = u32(end, 16);
        if (directoryAt == 0xffffffffL || directoryAt + directoryLength > zip.length()) {
            return null;
        }
        byte[] directory = read(zip, directoryAt, (int) directoryLength);
        for (int at = 0; at + DIRECTORY_HEADER <= directory.length && u32(directory, at) == DIRECTORY_SIGNATURE; ) {
            int nameLength = u16(directory, at + 28);
            if (nameIs(directory, at + DIRECTORY_HEADER, nameLength, name)) {
                long size = u32(directory, at + 24);
                boolean stored = u16(directory, at + 10) == STORED && u32(directory, at + 20) == size;
                return stored ? at(zip, u32(directory, at + 42), size) : null;
            }
            at += DIRECTORY_HEADER + nameLength + u16(directory, at + 30) + u16(directory, at + 32);
        }
        return null;
    }

    @Override
    public void read(long at, byte[] into) throws IOException {
        if (at < 0 || at + into.length > length) {
            throw new IOException("read past the end of a stored entry (" + length + " bytes)");
        }
        readFully(zip, start + at, into);
    }

    /** Null if the local header is not where the directory says (a zip with bytes before it, say). */
    private static StoredEntry at(RandomAccessFile zip, long localHeaderAt, long size) throws IOException {
        if (localHeaderAt + LOCAL_HEADER > zip.length()) {
            return null;
        }
        byte[] local = read(zip, localHeaderAt, LOCAL_HEADER);
        long start = localHeaderAt + LOCAL_HEADER + u16(local, 26) + u16(local, 28);
        return u32(local, 0) == LOCAL_SIGNATURE && start + size <= zip.length() ? new StoredEntry(zip, start, size) : null;
    }

    /** The end-of-central-directory record, found backwards past any comment; null if none. */
    private static byte[] endRecord(RandomAccessFile zip) throws IOException {
        long fileLength = zip.length();
        if (fileLength < END_LENGTH) {
            return null;
        }
        byte[] last = read(zip, fileLength - END_LENGTH, END_LENGTH);
        if (u32(last, 0) == END_SIGNATURE && u16(last, 20) == 0) {
            return last; // no comment, as the agent jar is built: no 64 KB read to search one
        }
        int tailLength = (int) Math.min(fileLength, END_LENGTH + MAX_COMMENT);
        byte[] tail = read(zip, fileLength - tailLength, tailLength);
        for (int at = tailLength - END_LENGTH; at >= 0; at--) {
            if (u32(tail, at) == END_SIGNATURE && at + END_LENGTH + u16(tail, at + 20) == tailLength) {
                byte[] end = new byte[END_LENGTH];
                System.arraycopy(tail, at, end, 0, END_LENGTH);
                return end;
            }
        }
        return null;
    }

    private static byte[] read(RandomAccessFile zip, long at, int length) throws IOException {
        byte[] bytes = new byte[length];
        readFully(zip, at, bytes);
        return bytes;
    }

    /** Seek and read as one step: the loader reads from several threads. */
    private static void readFully(RandomAccessFile zip, long at, byte[] into) throws IOException {
        synchronized (zip) {
            zip.seek(at);
            zip.readFully(into);
        }
    }

    /** Whether the bytes hold {@code name}; entry names here are ASCII (the agent's own). */
    private static boolean nameIs(byte[] b, int at, int length, String name) {
        return length == name.length() && ClassPack.asciiEquals(b, at, name);
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }
}
