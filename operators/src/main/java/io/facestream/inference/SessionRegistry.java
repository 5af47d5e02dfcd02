package io.facestream.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.facestream.model.DynamicBatchRewriter;
import io.facestream.model.DynamicImageSizeRewriter;
import io.facestream.model.InputSpec;
import io.facestream.model.ModelException;
import io.facestream.model.ModelFile;
import io.facestream.model.ModelRewrite;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that creates ONNX Runtime sessions. One session per model file, device and
 * thread setting per JVM, shared by every user and reference-counted: the last
 * {@link InferenceSession#close()} closes it. GPU memory is not duplicated by parallel
 * operator instances in one TaskManager.
 */
public final class SessionRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);
    private static final Map<Key, Shared> SESSIONS = new HashMap<>();
    /** Why CUDA could not be used, per GPU index: probed once per JVM, not once per model. */
    private static final Map<Integer, String> CUDA_UNUSABLE = new HashMap<>();

    private SessionRegistry() {
    }

    private record Key(Path file, InferenceSettings settings) {
    }

    /**
     * Acquires the shared session for a model, verifying its checksum and that its input
     * matches the manifest ({@code expectedInput}); fails with a message naming the file.
     */
    public static InferenceSession acquire(ModelFile model, InputSpec expectedInput, InferenceSettings settings) {
        Path file = model.verified().toAbsolutePath();
        Key key = new Key(file, settings);
        synchronized (SESSIONS) {
            Shared shared = SESSIONS.get(key);
            if (shared == null) {
                shared = open(key, model.modelId(), expectedInput);
                SESSIONS.put(key, shared);
            }
            shared.references++;
            return new Lease(shared);
        }
    }

    /** Number of live sessions in this JVM (for tests and metrics). */
    public static int openSessions() {
        synchronized (SESSIONS) {
            return SESSIONS.size();
        }
    }

    /** Cheap check before auto mode probes CUDA (which makes ONNX Runtime print a native error when it fails). */
    static boolean nvidiaDriverPresent() {
        return java.nio.file.Files.exists(Path.of("/proc/driver/nvidia/version"))
                || java.nio.file.Files.exists(Path.of("/dev/nvidia0"));
    }

    /** Whether this ONNX Runtime build has the CUDA execution provider at all. */
    public static boolean cudaProviderPresent() {
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    }

    private static Shared open(Key key, String modelId, InputSpec expectedInput) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        InferenceDevice requested = key.settings.device();
        OrtSession session = null;
        InferenceDevice used = InferenceDevice.CPU;
        if (requested.wantsCuda()) {
            String why = CUDA_UNUSABLE.get(requested.index());
            if (why == null && requested.kind() == InferenceDevice.Kind.AUTO && !nvidiaDriverPresent()) {
                why = "no NVIDIA driver on this machine";
            } else if (why == null && !cudaProviderPresent()) {
                why = "this ONNX Runtime build has no CUDA execution provider";
            } else if (why == null) {
                try {
                    session = create(env, key, requested.index());
                    used = new InferenceDevice(InferenceDevice.Kind.CUDA, requested.index());
                } catch (OrtException | RuntimeException e) {
                    why = e.getMessage();
                }
            }
            if (why != null) {
                CUDA_UNUSABLE.put(requested.index(), why);
            }
            if (session == null) {
                if (requested.kind() == InferenceDevice.Kind.CUDA) {
                    throw new ModelException("inference.device=" + requested + " but no CUDA session could be created for "
                            + key.file + ": " + why + " (use inference.device=auto or cpu to run on CPU)");
                }
                LOG.warn("inference.device=auto: CUDA device {} is not usable ({}); running model '{}' on CPU",
                        requested.index(), why, modelId);
            }
        }
        if (session == null) {
            try {
                session = create(env, key, -1);
            } catch (OrtException e) {
                throw new ModelException("model '" + modelId + "': ONNX Runtime cannot load " + key.file + ": " + e.getMessage(), e);
            }
        }
        try {
            checkInput(session, key.file, modelId, expectedInput);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
        LOG.info("model '{}' loaded from {} on {}", modelId, key.file, used);
        return new Shared(key, session, used);
    }

    private static OrtSession create(OrtEnvironment env, Key key, int cudaDevice) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (key.settings.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(key.settings.intraOpThreads());
            }
            if (key.settings.interOpThreads() > 0) {
                options.setInterOpNumThreads(key.settings.interOpThreads());
            }
            if (cudaDevice >= 0) {
                options.addCUDA(cudaDevice);
            }
            if (!key.settings.dynamicBatch() && !key.settings.dynamicImageSize()) {
                return env.createSession(key.file.toString(), options);
            }
            byte[] model = readModel(key.file);
            if (key.settings.dynamicBatch()) {
                ModelRewrite rewritten = DynamicBatchRewriter.rewrite(model, key.file.toString());
                LOG.info("{} made batch-dynamic: {}", key.file, rewritten.changes());
                model = rewritten.model();
            }
            if (key.settings.dynamicImageSize()) {
                ModelRewrite rewritten = DynamicImageSizeRewriter.rewrite(model, key.file.toString());
                LOG.info("{} made image-size-dynamic: {}", key.file, rewritten.changes());
                model = rewritten.model();
            }
            return env.createSession(model, options);
        }
    }

    private static byte[] readModel(Path file) {
        try {
            return java.nio.file.Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new ModelException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void checkInput(OrtSession session, Path file, String modelId, InputSpec expected) {
        try {
            NodeInfo info = session.getInputInfo().get(expected.name());
            if (info == null) {
                throw new ModelException("model '" + modelId + "': " + file + " has no input '" + expected.name()
                        + "'; its inputs are " + session.getInputNames());
            }
            long[] actual = ((TensorInfo) info.getInfo()).getShape();
            boolean matches = actual.length == expected.shape().length;
            for (int i = 0; matches && i < actual.length; i++) {
                // A dynamic dimension (-1) in the file accepts the manifest's value.
                matches = actual[i] < 0 || actual[i] == expected.shape()[i];
            }
            if (!matches) {
                throw new ModelException("model '" + modelId + "': " + file + " input '" + expected.name() + "' has shape "
                        + Arrays.toString(actual) + ", the manifest expects " + Arrays.toString(expected.shape()));
            }
        } catch (OrtException e) {
            throw new ModelException("model '" + modelId + "': cannot read inputs of " + file + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            LOG.warn("closing ONNX Runtime session failed", e);
        }
    }

    private static final class Shared {
        final Key key;
        final OrtSession session;
        final InferenceDevice device;
        /** Runs hold it shared; closing takes it exclusively, so a native session is never freed mid-run. */
        final java.util.concurrent.locks.ReadWriteLock runLock = new java.util.concurrent.locks.ReentrantReadWriteLock();
        boolean sessionClosed;
        int references;

        Shared(Key key, OrtSession session, InferenceDevice device) {
            this.key = key;
            this.session = session;
            this.device = device;
        }

        void release() {
            synchronized (SESSIONS) {
                if (--references == 0) {
                    SESSIONS.remove(key);
                    runLock.writeLock().lock();
                    try {
                        sessionClosed = true;
                        closeQuietly(session);
                    } finally {
                        runLock.writeLock().unlock();
                    }
                    LOG.info("closed ONNX Runtime session for {}", key.file);
                }
            }
        }
    }

    private static final class Lease implements InferenceSession {
        private final Shared shared;
        private boolean closed;

        Lease(Shared shared) {
            this.shared = shared;
        }

        @Override
        public InferenceOutputs run(String inputName, FloatBuffer input, long[] shape, Collection<String> outputNames) {
            if (closed) {
                throw new IllegalStateException("inference session for " + shared.key.file + " is closed");
            }
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            shared.runLock.readLock().lock();
            if (shared.sessionClosed) {
                shared.runLock.readLock().unlock();
                throw new IllegalStateException("inference session for " + shared.key.file + " is closed");
            }
            try (OnnxTensor tensor = OnnxTensor.createTensor(env, input, shape);
                 OrtSession.Result result = shared.session.run(Map.of(inputName, tensor), new LinkedHashSet<>(outputNames))) {
                Map<String, float[]> values = new HashMap<>();
                Map<String, long[]> shapes = new HashMap<>();
                for (String name : outputNames) {
                    Optional<OnnxValue> value = result.get(name);
                    if (value.isEmpty() || !(value.get() instanceof OnnxTensor out)) {
                        throw new IllegalStateException("model " + shared.key.file + " produced no tensor '" + name + "'");
                    }
                    FloatBuffer buffer = out.getFloatBuffer();
                    float[] copy = new float[buffer.remaining()];
                    buffer.get(copy);
                    values.put(name, copy);
                    shapes.put(name, out.getInfo().getShape());
                }
                return new InferenceOutputs(values, shapes);
            } catch (OrtException e) {
                throw new IllegalStateException("inference failed on " + shared.key.file + ": " + e.getMessage(), e);
            } finally {
                shared.runLock.readLock().unlock();
            }
        }

        @Override
        public InferenceDevice device() {
            return shared.device;
        }

        @Override
        public long[] inputShape(String inputName) {
            try {
                return ((TensorInfo) shared.session.getInputInfo().get(inputName).getInfo()).getShape();
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                shared.release();
            }
        }
    }
}
