package io.kzpipe.processor.topology;

import io.kzpipe.processor.errors.DeadLetterException;
import java.util.List;

/** Maps one raw delivery to its typed records ({@link EventMapper}); the seam tests use to inject failures. */
@FunctionalInterface
interface RecordMapper {

    /**
     * @return every typed record of the delivery, event record first
     * @throws DeadLetterException when the delivery cannot be interpreted; any other exception is a
     *                             {@code processing_error}
     */
    List<Output> map(byte[] raw, long receivedAtMs);
}
