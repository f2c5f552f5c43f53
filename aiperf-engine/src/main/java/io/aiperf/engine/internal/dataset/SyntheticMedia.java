package io.aiperf.engine.internal.dataset;

import io.aiperf.api.SyntheticDataset;
import io.aiperf.api.spi.Media;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.jspecify.annotations.Nullable;

/**
 * Synthetic images and audio for multimodal turns, made with the JDK alone: images are seeded
 * random shapes encoded by ImageIO (png or jpeg) into a base64 {@code data:} URL; audio is
 * Gaussian white noise written as WAV by javax.sound, its length from Normal(mean, sd) and at
 * least 0.01 s (as AIPerf), its sample rate and depth drawn from the configured lists.
 */
final class SyntheticMedia {
  private static final SyntheticMedia NONE = new SyntheticMedia(null, null);
  private static final double MIN_AUDIO_SECONDS = 0.01;

  // Both null for NONE, the turns without media.
  private final @Nullable SyntheticDataset config;
  private final @Nullable SplittableRandom random;

  private SyntheticMedia(@Nullable SyntheticDataset config, @Nullable SplittableRandom random) {
    this.config = config;
    this.random = random;
  }

  static SyntheticMedia of(SyntheticDataset config, long seed) {
    if (!config.hasImages() && !(config.audioLengthMean() > 0)) {
      return NONE;
    }
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true"); // images are drawn off screen
    }
    return new SyntheticMedia(config, new SplittableRandom(seed ^ 0x85EBCA6BL));
  }

  /** The media of the next turn, in the order the endpoint sends them. */
  List<Media> next() {
    SyntheticDataset config = this.config;
    SplittableRandom random = this.random;
    if (config == null || random == null) {
      return List.of();
    }
    List<Media> media = new ArrayList<>();
    if (config.hasImages()) {
      double[] size = config.imageSize();
      for (int i = 0; i < config.imageBatchSize(); i++) {
        int w = positive(size[0], size[1], random);
        int h = positive(size[2], size[3], random);
        media.add(image(w, h, config.imageFormat(), random));
      }
    }
    if (config.audioLengthMean() > 0) {
      for (int i = 0; i < config.audioBatchSize(); i++) {
        double seconds;
        do {
          seconds = config.audioLengthMean() + config.audioLengthStddev() * gaussian(random);
        } while (seconds < MIN_AUDIO_SECONDS);
        double khz = config.audioSampleRatesKhz().get(
            random.nextInt(config.audioSampleRatesKhz().size()));
        int depth = config.audioDepths().get(random.nextInt(config.audioDepths().size()));
        media.add(wav(seconds, (float) (khz * 1000), depth, config.audioChannels(), random));
      }
    }
    return media;
  }

  private static int positive(double mean, double stddev, SplittableRandom random) {
    return (int) Math.max(1, Math.round(mean + (stddev > 0 ? stddev * gaussian(random) : 0)));
  }

  static Media image(int width, int height, String format, SplittableRandom random) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setColor(new Color(random.nextInt(0x1000000)));
      g.fillRect(0, 0, width, height);
      for (int i = 0; i < 12; i++) {
        g.setColor(new Color(random.nextInt(0x1000000)));
        int x = random.nextInt(width);
        int y = random.nextInt(height);
        g.fillOval(x, y, 1 + random.nextInt(Math.max(1, width - x)),
            1 + random.nextInt(Math.max(1, height - y)));
      }
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalArgumentException("image format was '" + format
            + "' but the JDK has no writer for it");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Media.image("data:image/" + format + ";base64,"
        + Base64.getEncoder().encodeToString(out.toByteArray()), format);
  }

  static Media wav(double seconds, float sampleRate, int bits, int channels,
      SplittableRandom random) {
    int bytesPerSample = bits / 8;
    int frames = (int) Math.max(1, Math.round(seconds * sampleRate));
    byte[] pcm = new byte[frames * channels * bytesPerSample];
    long max = (1L << (bits - 1)) - 1;
    int p = 0;
    for (int f = 0; f < frames * channels; f++) {
      // White noise at a third of full scale, clipped: loud enough to be audio, never wrapped.
      long v = Math.round(Math.max(-1, Math.min(1, gaussian(random) / 3)) * max);
      if (bits == 8) {
        pcm[p++] = (byte) (v + 128); // 8-bit WAV is unsigned
      } else {
        for (int b = 0; b < bytesPerSample; b++) {
          pcm[p++] = (byte) (v >> (8 * b)); // little-endian
        }
      }
    }
    AudioFormat format = new AudioFormat(sampleRate, bits, channels, bits != 8, false);
    ByteArrayOutputStream out = new ByteArrayOutputStream(pcm.length + 64);
    try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), format,
        frames)) {
      AudioSystem.write(in, AudioFileFormat.Type.WAVE, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Media.audio(Base64.getEncoder().encodeToString(out.toByteArray()), "wav");
  }

  private static double gaussian(SplittableRandom random) {
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
