package io.aiperf.cli;

import io.aiperf.api.SyntheticDataset;
import java.util.List;
import picocli.CommandLine.Option;

/** AIPerf's Audio Input group: synthetic audio clips sent with each prompt. */
final class AudioOptions {
  @Option(names = "--audio-length-mean", defaultValue = "0",
      description = "Synthetic audio clip length in seconds (0 = no audio).")
  double audioLengthMean;

  @Option(names = "--audio-length-stddev", defaultValue = "0",
      description = "Audio length stddev in seconds.")
  double audioLengthStddev;

  @Option(names = "--audio-format", defaultValue = "wav",
      description = "Audio file format: wav (default ${DEFAULT-VALUE}).")
  @SuppressWarnings("NullAway.Init") // picocli sets it from defaultValue
  String audioFormat;

  @Option(names = "--audio-sample-rates", split = ",", defaultValue = "16",
      description = "Sample rates in kHz drawn per clip (default ${DEFAULT-VALUE}).")
  @SuppressWarnings("NullAway.Init") // picocli sets it from defaultValue
  List<Double> audioSampleRates;

  @Option(names = "--audio-depths", split = ",", defaultValue = "16",
      description = "Bit depths drawn per clip: 8, 16, 24, 32 (default ${DEFAULT-VALUE}).")
  @SuppressWarnings("NullAway.Init") // picocli sets it from defaultValue
  List<Integer> audioDepths;

  @Option(names = "--audio-num-channels", defaultValue = "1",
      description = "1 (mono) or 2 (stereo) (default ${DEFAULT-VALUE}).")
  int audioChannels;

  @Option(names = {"--audio-batch-size", "--batch-size-audio"}, defaultValue = "1",
      description = "Audio clips per request (default ${DEFAULT-VALUE}).")
  int audioBatchSize;

  SyntheticDataset configure(SyntheticDataset d) {
    return d.audio(audioLengthMean, audioLengthStddev)
        .audioFormat(audioFormat, audioSampleRates, audioDepths, audioChannels, audioBatchSize);
  }
}
