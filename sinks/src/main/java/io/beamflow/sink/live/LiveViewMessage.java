package io.beamflow.sink.live;

/**
 * A decoded live-view message.
 *
 * @param header the JSON header
 * @param image  the image ({@code shape[0] * shape[1]} floats), or {@code null} when the message had none
 */
public record LiveViewMessage(LiveViewHeader header, float[] image) {
    /** @return image width, 0 without image */
    public int width() {
        return header.shape == null ? 0 : header.shape[1];
    }

    /** @return image height, 0 without image */
    public int height() {
        return header.shape == null ? 0 : header.shape[0];
    }
}
