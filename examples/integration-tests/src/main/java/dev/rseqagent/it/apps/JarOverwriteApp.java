package dev.rseqagent.it.apps;

import dev.rseqagent.Rseq;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Replaces the agent's jar while the JVM runs, once the agent is up, with one
 * whose class pack differs after its index: "in-place" writes into the file,
 * as a deployment that copies a new version onto the old one does;
 * "renamed-over" writes a new file and renames it over the old one, which the
 * running JVM (holding the old file open) does not see. Then the application
 * goes on (threads, direct buffers) and ends normally. Args: the agent jar
 * (a copy the test owns), the mode.
 */
public final class JarOverwriteApp {
    public static void main(String[] args) throws Exception {
        awaitControlPlane();
        replaceThePack(Path.of(args[0]), args[1].equals("renamed-over"));
        long sum = 0;
        for (int i = 0; i < 200; i++) {
            Thread t = new Thread(() -> { });
            t.start();
            t.join();
            ByteBuffer b = ByteBuffer.allocateDirect(4096);
            b.putInt(0, i);
            sum += b.getInt(0);
        }
        System.out.println("DONE sum=" + sum);
    }

    /** The agent binds its control plane after premain: wait for it, so the overwrite comes after its start. */
    private static void awaitControlPlane() throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            try {
                Rseq.counters();
                return;
            } catch (IllegalStateException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("the agent's control plane never came up");
    }

    /** Flips every byte after the class pack's index: the index (read at start) stays, the classes change. */
    private static void replaceThePack(Path jar, boolean renamedOver) throws IOException {
        byte[] all = Files.readAllBytes(jar);
        int pack = packAt(all);
        int dataAt = pack + intAt(all, pack + 8);
        int end = all.length - 64 * 1024; // short of the zip's directory at the end
        for (int i = dataAt; i < end; i++) {
            all[i] ^= 0x5a;
        }
        if (renamedOver) {
            Path next = Files.write(jar.resolveSibling(jar.getFileName() + ".new"), all);
            Files.move(next, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
            try (RandomAccessFile file = new RandomAccessFile(jar.toFile(), "rw")) {
                file.seek(dataAt);
                file.write(all, dataAt, end - dataAt);
            }
        }
        System.out.println("REPLACED");
    }

    /** The pack's header: its magic, then a power-of-two slot count and an index that fits in the file. */
    private static int packAt(byte[] in) {
        byte[] magic = "RQCQ".getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + 12 <= in.length; i++) {
            for (int j = 0; j < magic.length; j++) {
                if (in[i + j] != magic[j]) {
                    continue outer;
                }
            }
            int slots = intAt(in, i + 4);
            int indexLength = intAt(in, i + 8);
            if (slots > 0 && Integer.bitCount(slots) == 1 && indexLength > 12 && i + (long) indexLength < in.length) {
                return i;
            }
        }
        throw new IllegalStateException("no class pack in the agent jar");
    }

    private static int intAt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
    }
}
