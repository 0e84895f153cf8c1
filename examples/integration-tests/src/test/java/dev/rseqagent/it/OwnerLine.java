package dev.rseqagent.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One parsed agent line "... [rseq-agent] INFO rseq.owner key=value ...". */
final class OwnerLine {
    private static final Pattern PAIR = Pattern.compile("(\\w+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)");

    final int index;
    final Map<String, String> keys;

    private OwnerLine(int index, Map<String, String> keys) {
        this.index = index;
        this.keys = keys;
    }

    static List<OwnerLine> parseAll(String stderr) {
        List<OwnerLine> lines = new ArrayList<>();
        String[] all = stderr.split("\n");
        for (int i = 0; i < all.length; i++) {
            int at = all[i].indexOf("[rseq-agent] INFO rseq.owner ");
            if (at >= 0) {
                lines.add(new OwnerLine(i, parse(all[i].substring(at))));
            }
        }
        return lines;
    }

    private static Map<String, String> parse(String text) {
        Map<String, String> keys = new LinkedHashMap<>();
        Matcher m = PAIR.matcher(text);
        while (m.find()) {
            String value = m.group(2);
            if (value.startsWith("\"")) {
                value = value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
            }
            keys.put(m.group(1), value);
        }
        return keys;
    }

    String get(String key) {
        return keys.get(key);
    }

    String thread() {
        return keys.get("thread");
    }

    /** "FROM->TO/mode", compact for assertions. */
    String transition() {
        return get("from") + "->" + get("to") + "/" + get("mode");
    }

    @Override
    public String toString() {
        return keys.toString();
    }
}
