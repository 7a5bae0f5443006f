package io.kzpipe.puller.state;

/**
 * An action the live poll reads again for new and edited responses, while it is open (its expiry has not passed)
 * and younger than {@code PULLER_REREAD_WINDOW}.
 *
 * @param actionType  its type, for the event type of its responses
 * @param sentMs      when it was sent, epoch ms ({@code ActionRef.UNKNOWN} when unknown)
 * @param expiryMs    when it stops taking responses, epoch ms ({@code ActionRef.UNKNOWN} when unknown)
 * @param detailsHash SHA-256 of its details at the last read: an unchanged answer publishes nothing
 * @param versions    the response versions already published ({@link VersionSet#encode()})
 */
public record TrackedAction(String actionType, long sentMs, long expiryMs, String detailsHash, String versions) {

    public TrackedAction withRead(String hash, VersionSet published) {
        return new TrackedAction(actionType, sentMs, expiryMs, hash, published.encode());
    }
}
