package org.routerlab.trace.chronicle.internal;

import org.routerlab.api.trace.TraceStore;

/**
 * Layout of the trace records, schema version {@value #SCHEMA_VERSION}: one record per Chronicle Queue document.
 *
 * <p>Offsets are bytes from the start of the document payload (Chronicle's own 4-byte document header is not part of
 * a record). Integers are little-endian two's complement ({@code i32} 4 bytes, {@code i64} 8 bytes); fields are not
 * aligned. Every record starts with a one-byte kind tag.
 *
 * <pre>
 * HEADER (kind 1): first record of every run; bytes 0..4 are frozen for all schema versions
 *   byte 0      1        5        9
 *       +------+--------+--------+--------------------------------------+
 *       | kind | schema | count  | count x (key STRING, value STRING)   |
 *       | = 1  |  i32   |  i32   |                                      |
 *       +------+--------+--------+--------------------------------------+
 *
 * BURST (kind 2): one received burst, fixed length {@value #BURST_LENGTH} bytes
 *   byte 0      1                 9                 17      21      25      29      33
 *       +------+-----------------+-----------------+-------+-------+-------+-------+
 *       | kind |  wall ns  i64   | modeled ns i64  | port  | recv  | xmit  | drop  |
 *       | = 2  |                 |                 |  i32  |  i32  |  i32  |  i32  |
 *       +------+-----------------+-----------------+-------+-------+-------+-------+
 *
 * COUNTERS (kind 3): a snapshot of the router counters, indexed by RouterCounter id
 *   byte 0      1                 9                 17      21
 *       +------+-----------------+-----------------+-------+------------------------+
 *       | kind |  wall ns  i64   | modeled ns i64  | count | count x value i64      |
 *       | = 3  |                 |                 |  i32  |                        |
 *       +------+-----------------+-----------------+-------+------------------------+
 *
 * END (kind 4): the run footer; a run without one was cut short
 *   byte 0      1        5
 *       +------+--------+--------------------------------------+
 *       | kind | count  | count x (key STRING, value STRING)   |
 *       | = 4  |  i32   |                                      |
 *       +------+--------+--------------------------------------+
 *
 * BURST, schema 2 (kind 2): the schema-1 fields, then ring occupancy and the platform's deltas since the
 * previous burst record, sparse: bit k of the mask set means a value for PlatformOp id k follows (in id order)
 *   byte 33      37       41       45
 *       +-------+--------+--------+--------------------------+
 *       |rx ring|tx ring |  mask  | bitCount(mask) x i64     |
 *       |  i32  |  i32   |  i32   |                          |
 *       +-------+--------+--------+--------------------------+
 *
 * SWAP (kind 5): a hot swap at a burst boundary
 *   byte 0      1          9          17         25         33
 *       +------+----------+----------+----------+----------+----------------------------------------+
 *       | kind | wall ns  |modeled ns| pause ns | lost     | what, from, to, outcome: 4 x STRING    |
 *       | = 5  |   i64    |   i64    |   i64    |   i64    |                                        |
 *       +------+----------+----------+----------+----------+----------------------------------------+
 *
 * PACKETS (kind 6): the packet records of one burst, count x entry bytes in the layout of
 * org.routerlab.api.trace.PacketRecords (32 fixed bytes, then the frame's first entry - 32 bytes)
 *   byte 0      1          9          17       21       25
 *       +------+----------+----------+--------+--------+------------------------+
 *       | kind | wall ns  |modeled ns| count  | entry  | count x entry bytes    |
 *       | = 6  |   i64    |   i64    |  i32   |  i32   |                        |
 *       +------+----------+----------+--------+--------+------------------------+
 *
 * COMPLETIONS (kind 7): transmissions that completed on one port, in transmit order
 *   byte 0      1          9          17       21       25
 *       +------+----------+----------+--------+--------+----------------------------------------+
 *       | kind | wall ns  |modeled ns| port   | count  | count x latency ns i32 (-1 unknown,    |
 *       | = 7  |   i64    |   i64    |  i32   |  i32   | saturated at 2^31 - 1)                 |
 *       +------+----------+----------+--------+--------+----------------------------------------+
 *
 * BURSTS (kind 8): up to BURSTS_GROUP schema-2 BURST records without their kind byte, each 44 bytes plus 8 per
 * bit of its mask; the sink groups consecutive bursts so that a burst costs a fraction of a document
 *   byte 0      1        5
 *       +------+--------+---------------------------------------------------------+
 *       | kind | count  | count x (BURST bytes 1..44, then bitCount(mask) x i64)  |
 *       | = 8  |  i32   |                                                         |
 *       +------+--------+---------------------------------------------------------+
 *
 * STRING
 *       +--------+--------------------------+
 *       | length | length bytes of UTF-8    |     length = -1 encodes null
 *       |  i32   |                          |
 *       +--------+--------------------------+
 * </pre>
 *
 * <p>Evolution: a reader refuses a header whose schema version is not {@value #SCHEMA_VERSION} (schema 1 had the
 * 33-byte BURST and no kinds above 4). Within a version a
 * writer may append fields to the end of a record; readers ignore trailing bytes.
 */
public final class TraceRecordDescriptor {
    /** The schema version written into every header. */
    public static final int SCHEMA_VERSION = TraceStore.SCHEMA_VERSION;

    /** Offset of the one-byte kind tag, in every record. */
    public static final int KIND_OFFSET = 0;

    public static final byte KIND_HEADER = 1;
    public static final byte KIND_BURST = 2;
    public static final byte KIND_COUNTERS = 3;
    public static final byte KIND_END = 4;
    public static final byte KIND_SWAP = 5;
    public static final byte KIND_PACKETS = 6;
    public static final byte KIND_COMPLETIONS = 7;
    public static final byte KIND_BURSTS = 8;
    /** Most burst entries the sink groups into one BURSTS record. */
    public static final int BURSTS_GROUP = 32;

    /** HEADER: schema version, i32. */
    public static final int HEADER_SCHEMA_OFFSET = 1;
    /** HEADER: number of key/value pairs, i32. */
    public static final int HEADER_COUNT_OFFSET = 5;
    /** HEADER: first key. */
    public static final int HEADER_ENTRIES_OFFSET = 9;

    public static final int BURST_WALL_NANOS_OFFSET = 1;
    public static final int BURST_MODELED_NANOS_OFFSET = 9;
    public static final int BURST_PORT_OFFSET = 17;
    public static final int BURST_RECEIVED_OFFSET = 21;
    public static final int BURST_TRANSMITTED_OFFSET = 25;
    public static final int BURST_DROPPED_OFFSET = 29;
    /** Length of a schema-1 BURST record. */
    public static final int BURST_LENGTH = 33;
    public static final int BURST_RX_RING_OFFSET = 33;
    public static final int BURST_TX_RING_OFFSET = 37;
    public static final int BURST_PLATFORM_MASK_OFFSET = 41;
    /** Length of a schema-2 BURST record without platform values. */
    public static final int BURST2_FIXED_LENGTH = 45;

    public static final int SWAP_WALL_NANOS_OFFSET = 1;
    public static final int SWAP_MODELED_NANOS_OFFSET = 9;
    public static final int SWAP_PAUSE_NANOS_OFFSET = 17;
    public static final int SWAP_LOST_OFFSET = 25;
    public static final int SWAP_STRINGS_OFFSET = 33;

    public static final int PACKETS_WALL_NANOS_OFFSET = 1;
    public static final int PACKETS_MODELED_NANOS_OFFSET = 9;
    public static final int PACKETS_COUNT_OFFSET = 17;
    public static final int PACKETS_ENTRY_BYTES_OFFSET = 21;
    public static final int PACKETS_ENTRIES_OFFSET = 25;

    public static final int COMPLETIONS_WALL_NANOS_OFFSET = 1;
    public static final int COMPLETIONS_MODELED_NANOS_OFFSET = 9;
    public static final int COMPLETIONS_PORT_OFFSET = 17;
    public static final int COMPLETIONS_COUNT_OFFSET = 21;
    public static final int COMPLETIONS_LATENCIES_OFFSET = 25;

    public static final int COUNTERS_WALL_NANOS_OFFSET = 1;
    public static final int COUNTERS_MODELED_NANOS_OFFSET = 9;
    public static final int COUNTERS_COUNT_OFFSET = 17;
    public static final int COUNTERS_VALUES_OFFSET = 21;

    /** END: number of key/value pairs, i32. */
    public static final int END_COUNT_OFFSET = 1;
    /** END: first key. */
    public static final int END_ENTRIES_OFFSET = 5;

    /** STRING length that encodes {@code null}. */
    public static final int NULL_STRING_LENGTH = -1;

    private TraceRecordDescriptor() {
    }

    /** Length of a COUNTERS record holding {@code count} values. */
    public static int countersLength(final int count) {
        return COUNTERS_VALUES_OFFSET + count * Long.BYTES;
    }

    /** A name for a kind tag, for messages. */
    public static String kindName(final byte kind) {
        return switch (kind) {
            case KIND_HEADER -> "header";
            case KIND_BURST -> "burst";
            case KIND_COUNTERS -> "counters";
            case KIND_END -> "end";
            case KIND_SWAP -> "swap";
            case KIND_PACKETS -> "packets";
            case KIND_COMPLETIONS -> "completions";
            case KIND_BURSTS -> "bursts";
            default -> "unknown(" + kind + ")";
        };
    }
}
