package io.kzpipe.puller.state;

import io.kzpipe.puller.api.ApiClient;
import io.kzpipe.puller.api.TokenState;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores every change of the Kaizala {@link TokenState} in the state topic at once (a rotated refresh token
 * invalidates the old one: it must survive a restart). Called on the thread that makes the Kaizala calls, between
 * transactions; a failed write stays pending and is retried by {@link #flush()}.
 */
public final class TokenKeeper implements ApiClient.TokenListener {

    private static final Logger LOG = LoggerFactory.getLogger(TokenKeeper.class);

    private final StateStore store;
    private TokenState pending;

    public TokenKeeper(StateStore store) {
        this.store = store;
    }

    /** The stored token state, or {@code null}. */
    public TokenState stored() {
        return store.get(StateKeys.TOKEN, TokenState.class);
    }

    @Override
    public void changed(TokenState state) {
        pending = state;
        flush();
    }

    /** Writes a pending change; true when nothing is pending any more. */
    public boolean flush() {
        if (pending == null) {
            return true;
        }
        try {
            store.commit(List.of(), Map.of(StateKeys.TOKEN, pending));
            pending = null;
            return true;
        } catch (KafkaException e) {
            LOG.error("cannot store the Kaizala token state ({}); retrying", e.toString());
            return false;
        }
    }
}
