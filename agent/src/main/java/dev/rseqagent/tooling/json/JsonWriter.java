package dev.rseqagent.tooling.json;

import java.util.List;

/** A JSON object written field by field, commas handled; nested objects and string arrays. */
public final class JsonWriter {
    private final StringBuilder sb = new StringBuilder();
    private boolean first = true;

    public JsonWriter() {
        sb.append('{');
    }

    /** A number, boolean, null, or anything else as a string. */
    public JsonWriter field(String key, Object value) {
        comma();
        JsonText.field(sb, key, value);
        return this;
    }

    public JsonWriter strings(String key, List<String> values) {
        comma();
        JsonText.string(sb, key);
        sb.append(":[");
        for (int i = 0; i < values.size(); i++) {
            sb.append(i == 0 ? "" : ",");
            JsonText.string(sb, values.get(i));
        }
        sb.append(']');
        return this;
    }

    /** Opens a nested object under key; close it with {@link #end()}. */
    public JsonWriter object(String key) {
        comma();
        JsonText.string(sb, key);
        sb.append(":{");
        first = true;
        return this;
    }

    public JsonWriter end() {
        sb.append('}');
        first = false;
        return this;
    }

    /** The text, the outermost object closed. */
    public String close() {
        return sb.append('}').toString();
    }

    private void comma() {
        if (!first) {
            sb.append(',');
        }
        first = false;
    }
}
