package io.facestream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.state.StateCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A state format raised from 1 to 2 on RocksDB, the job's backend, as a later version of the job would: values written
 * in format 1 (a value state, and a map state with a time to live like the kept tracks) are read by format 2's read
 * path after a restore and rewritten in format 2; and a state a run does not register keeps its format-1 bytes under
 * a snapshot that still says format 1, so the run after reads them right.
 */
@Tag("flink")
class StateFormatMigrationTest {
    /** A visitor: format 1 wrote the name, format 2 adds the visits. */
    record Visitor(String name, int visits) {
    }

    /** One codec class whose format the test raises, as a later version of the same class would. */
    public static final class VisitorCodec implements StateCodec<Visitor> {
        static volatile int format = 1;

        @Override
        public int version() {
            return format;
        }

        @Override
        public void write(Visitor value, DataOutput out) throws IOException {
            out.writeUTF(value.name());
            if (format >= 2) {
                out.writeInt(value.visits());
            }
        }

        @Override
        public Visitor read(int version, DataInput in) throws IOException {
            String name = in.readUTF();
            return new Visitor(name, version >= 2 ? in.readInt() : 0);
        }
    }

    private static final String LAST = "last";

    private static MapStateDescriptor<Long, Visitor> byDay() {
        MapStateDescriptor<Long, Visitor> descriptor = new MapStateDescriptor<>("by-day", LongSerializer.INSTANCE,
                new VersionedSerializer<>(new VisitorCodec()));
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofDays(3650)).build());
        return descriptor;
    }

    /** Per key: the element "name:visits" is stored in both states (once "read", it says what both hold). */
    static final class Visits extends KeyedProcessFunction<String, String, String> {
        private final boolean registerByDay;
        private transient ValueState<Visitor> last;
        private transient MapState<Long, Visitor> byDay;

        Visits(boolean registerByDay) {
            this.registerByDay = registerByDay;
        }

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext context) {
            last = getRuntimeContext().getState(new ValueStateDescriptor<>(LAST,
                    new VersionedSerializer<>(new VisitorCodec())));
            if (registerByDay) {
                byDay = getRuntimeContext().getMapState(byDay());
            }
        }

        @Override
        public void processElement(String value, Context ctx, Collector<String> out) throws Exception {
            if (value.equals("read")) {
                Visitor visitor = last.value();
                out.collect("last=" + visitor);
                if (byDay != null) {
                    out.collect("byDay=" + byDay.get(1L));
                }
                return;
            }
            String[] parts = value.split(":");
            Visitor visitor = new Visitor(parts[0], Integer.parseInt(parts[1]));
            last.update(visitor);
            if (byDay != null) {
                byDay.put(1L, visitor);
            }
        }
    }

    @AfterEach
    void formatOne() {
        VisitorCodec.format = 1;
    }

    @Test
    void valuesOfTheOlderFormatAreReadAndRewrittenAfterARestoreOnRocksDb() throws Exception {
        OperatorSubtaskState v1 = run(true, List.of("ann:7"), null, new ArrayList<>());

        VisitorCodec.format = 2;
        List<String> read = new ArrayList<>();
        OperatorSubtaskState v2 = run(true, List.of("read", "bob:3", "read"), v1, read);
        assertThat(read).containsExactly("last=Visitor[name=ann, visits=0]", "byDay=Visitor[name=ann, visits=0]",
                "last=Visitor[name=bob, visits=3]", "byDay=Visitor[name=bob, visits=3]");

        List<String> again = new ArrayList<>();
        run(true, List.of("read"), v2, again);
        assertThat(again).containsExactly("last=Visitor[name=bob, visits=3]", "byDay=Visitor[name=bob, visits=3]");
    }

    @Test
    void aStateOneRunLeavesUnregisteredKeepsItsFormatForTheNext() throws Exception {
        OperatorSubtaskState v1 = run(true, List.of("ann:7"), null, new ArrayList<>());
        VisitorCodec.format = 2;
        // This run reads only "last": "by-day" stays as restored, its bytes in format 1.
        OperatorSubtaskState untouched = run(false, List.of("read"), v1, new ArrayList<>());
        List<String> read = new ArrayList<>();
        run(true, List.of("read"), untouched, read);
        assertThat(read).containsExactly("last=Visitor[name=ann, visits=0]", "byDay=Visitor[name=ann, visits=0]");
    }

    /** One run of the operator on RocksDB: restored from {@code from} when given, the elements for key "k", a snapshot. */
    private static OperatorSubtaskState run(boolean registerByDay, List<String> elements, OperatorSubtaskState from,
                                            List<String> out) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, String, String> harness =
                     new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new Visits(registerByDay)),
                             value -> "k", Types.STRING)) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend().configure(new Configuration(),
                    StateFormatMigrationTest.class.getClassLoader()));
            if (from != null) {
                harness.initializeState(from);
            }
            harness.open();
            for (String element : elements) {
                harness.processElement(new StreamRecord<>(element, 0));
            }
            harness.extractOutputValues().forEach(out::add);
            return harness.snapshot(1, 1);
        }
    }
}
