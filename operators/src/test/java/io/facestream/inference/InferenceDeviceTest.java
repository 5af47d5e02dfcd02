package io.facestream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InferenceDeviceTest {
    @Test
    void parsesEveryForm() {
        assertThat(InferenceDevice.parse("auto").kind()).isEqualTo(InferenceDevice.Kind.AUTO);
        assertThat(InferenceDevice.parse("CPU")).isEqualTo(InferenceDevice.CPU);
        assertThat(InferenceDevice.parse("cuda")).isEqualTo(new InferenceDevice(InferenceDevice.Kind.CUDA, 0));
        assertThat(InferenceDevice.parse("cuda:3")).isEqualTo(new InferenceDevice(InferenceDevice.Kind.CUDA, 3));
    }

    @Test
    void refusesAnythingElse() {
        for (String bad : new String[] {"gpu", "cuda:", "cuda:-1", "cuda:x", ""}) {
            assertThatThrownBy(() -> InferenceDevice.parse(bad)).hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void aFlinkAssignedGpuReplacesTheIndexButNeverForcesCpuOntoTheGpu() {
        assertThat(InferenceDevice.parse("cuda").onGpu(2)).isEqualTo(InferenceDevice.parse("cuda:2"));
        assertThat(InferenceDevice.parse("auto").onGpu(1).index()).isEqualTo(1);
        assertThat(InferenceDevice.CPU.onGpu(1)).isEqualTo(InferenceDevice.CPU);
    }
}
