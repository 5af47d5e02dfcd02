package io.facestream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.facestream.config.StreamOptions;
import io.facestream.serde.FrameRecord;
import io.facestream.serde.RawRecord;
import io.facestream.testing.TestData;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The async stage in Flink's AsyncWaitOperator: real models, unordered results, failures become results. */
@Tag("model")
@Tag("flink")
class FaceAnalysisAsyncFunctionTest {
    static FrameRecord frame(long seq, byte[] image) {
        RawRecord raw = new RawRecord("cam".getBytes(), image, new String[0], new byte[0][], "frames", 0, seq, 1L);
        return new FrameRecord("cam", seq, 1L, raw, null);
    }

    /** The function as the job builds it from this configuration. */
    static FaceAnalysisAsyncFunction function(Map<String, String> overrides) {
        StreamSettings settings = StreamSettings.from(TestData.config(overrides));
        return new FaceAnalysisAsyncFunction(settings.pipeline(), settings.analysis());
    }

    @Test
    void analysesFramesAndTurnsUndecodableOnesIntoFailedResultsInsteadOfFailingTheJob() throws Exception {
        FaceAnalysisAsyncFunction function = function(Map.of(StreamOptions.ASYNC_THREADS.name(), "2"));
        var harness = new OneInputStreamOperatorTestHarness<FrameRecord, AnalyzedFrame>(
                new AsyncWaitOperatorFactory<>(function, 30_000, 4, AsyncDataStream.OutputMode.UNORDERED),
                TypeInformation.of(FrameRecord.class).createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl()));
        harness.open();
        byte[] photo = TestData.bytes(TestData.sample("face-api", "sample5.jpg"));
        byte[] corrupt = java.util.Arrays.copyOf(photo, 2000);
        corrupt[corrupt.length - 2] = (byte) 0xFF;
        corrupt[corrupt.length - 1] = (byte) 0xD9; // a valid-looking end marker: the header check passes, decoding fails
        synchronized (harness.getCheckpointLock()) {
            harness.processElement(new StreamRecord<>(frame(1, photo), 1));
            harness.processElement(new StreamRecord<>(frame(2, corrupt), 2));
        }
        harness.endInput();
        harness.close();
        List<AnalyzedFrame> results = new ArrayList<>(harness.extractOutputValues());
        results.sort(java.util.Comparator.comparingLong(r -> r.frame().frameSeq()));
        assertThat(results).hasSize(2);
        assertThat(results.get(0).failed()).isFalse();
        assertThat(results.get(0).faces()).hasSize(5);
        assertThat(results.get(0).faces()[0].embedding()).hasSize(512);
        assertThat(results.get(0).frame().image()).as("image bytes dropped after success").isNull();
        assertThat(results.get(1).failed()).isTrue();
        assertThat(results.get(1).frame().image()).as("kept for the dead-letter topic").isEqualTo(corrupt);
    }

    @Test
    void withADynamicBatchTheCropsOfFramesInFlightAreEmbeddedTogetherWithTheSameResults() throws Exception {
        byte[] photo = TestData.bytes(TestData.sample("face-api", "sample5.jpg"));
        List<AnalyzedFrame> plain = analyse(Map.of(StreamOptions.ASYNC_THREADS.name(), "2"), photo, 4);
        List<AnalyzedFrame> batched = analyse(Map.of(StreamOptions.ASYNC_THREADS.name(), "2",
                io.facestream.config.FacePipelineOptions.INFERENCE_DYNAMIC_BATCH.name(), "true",
                StreamOptions.BATCHING_MAX_SIZE.name(), "8", StreamOptions.BATCHING_FLUSH_TIMEOUT_US.name(), "20000"), photo, 4);
        assertThat(batched).hasSize(4);
        for (int frame = 0; frame < 4; frame++) {
            for (int face = 0; face < 5; face++) {
                assertThat(batched.get(frame).faces()[face].embedding())
                        .containsExactly(plain.get(frame).faces()[face].embedding(), org.assertj.core.api.Assertions.within(1e-5f));
            }
        }
    }

    /** Runs {@code copies} copies of one frame through the async operator; results by frame number. */
    private static List<AnalyzedFrame> analyse(Map<String, String> settings, byte[] image, int copies) throws Exception {
        var harness = new OneInputStreamOperatorTestHarness<FrameRecord, AnalyzedFrame>(
                new AsyncWaitOperatorFactory<>(function(settings), 30_000, 8,
                        AsyncDataStream.OutputMode.UNORDERED),
                TypeInformation.of(FrameRecord.class).createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl()));
        harness.open();
        synchronized (harness.getCheckpointLock()) {
            for (int i = 0; i < copies; i++) {
                harness.processElement(new StreamRecord<>(frame(i, image), i));
            }
        }
        harness.endInput();
        harness.close();
        List<AnalyzedFrame> results = new ArrayList<>(harness.extractOutputValues());
        results.sort(java.util.Comparator.comparingLong(r -> r.frame().frameSeq()));
        return results;
    }

    @Test
    void aTimeoutBecomesAFailedResultForTheDeadLetterTopic() throws Exception {
        FaceAnalysisAsyncFunction function = function(Map.of(StreamOptions.ASYNC_TIMEOUT_MS.name(), "1234"));
        try (var harness = new OneInputStreamOperatorTestHarness<FrameRecord, AnalyzedFrame>(
                new AsyncWaitOperatorFactory<>(function, 1234, 4, AsyncDataStream.OutputMode.UNORDERED),
                TypeInformation.of(FrameRecord.class).createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl()))) {
            harness.open();
            CompletableFuture<Collection<AnalyzedFrame>> result = new CompletableFuture<>();
            function.timeout(frame(9, new byte[] {1}), new ResultFuture<>() {
                @Override
                public void complete(Collection<AnalyzedFrame> values) {
                    result.complete(values);
                }

                @Override
                public void completeExceptionally(Throwable error) {
                    result.completeExceptionally(error);
                }
            });
            AnalyzedFrame failed = result.join().iterator().next();
            assertThat(failed.failed()).isTrue();
            assertThat(failed.errorStage()).isEqualTo("timeout");
            assertThat(failed.error()).isEqualTo("analysis did not finish within async.timeout-ms=1234");
            assertThat(failed.frame().frameSeq()).isEqualTo(9);
        }
    }
}
