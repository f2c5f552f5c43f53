package io.aiperf.cli;

import io.aiperf.api.SyntheticDataset;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** AIPerf's Image Input group: synthetic images sent with each prompt. */
final class ImageOptions {
  @Option(names = "--image-width-mean", description = "Synthetic image width in pixels.")
  @Nullable Double imageWidthMean;

  @Option(names = "--image-width-stddev", defaultValue = "0", description = "Image width stddev.")
  double imageWidthStddev;

  @Option(names = "--image-height-mean", description = "Synthetic image height in pixels.")
  @Nullable Double imageHeightMean;

  @Option(names = "--image-height-stddev", defaultValue = "0",
      description = "Image height stddev.")
  double imageHeightStddev;

  @Option(names = "--image-format", defaultValue = "png",
      description = "png or jpeg (default ${DEFAULT-VALUE}).")
  @SuppressWarnings("NullAway.Init") // picocli sets it from defaultValue
  String imageFormat;

  @Option(names = {"--image-batch-size", "--batch-size-image"}, defaultValue = "1",
      description = "Images per request (default ${DEFAULT-VALUE}).")
  int imageBatchSize;

  SyntheticDataset configure(SyntheticDataset d) {
    if (imageWidthMean != null || imageHeightMean != null) {
      d = d.images(imageWidthMean == null ? 0 : imageWidthMean, imageWidthStddev,
          imageHeightMean == null ? 0 : imageHeightMean, imageHeightStddev);
    }
    return d.imageFormat(imageFormat, imageBatchSize);
  }
}
