package io.aiperf.engine.internal.gputelemetry;

import java.util.List;

/**
 * The GPU telemetry fields, as AIPerf 0.13 names, scales and shows them
 * ({@code gpu_telemetry/constants.py}, {@code dcgm_collector.py}), in its display order, and
 * three of aiperf-java's own after them (memory total, SM and memory clocks), which AIPerf's
 * {@code telemetry_data} allows as extra keys.
 */
public final class GpuFields {
  /**
   * One field.
   *
   * @param dcgm the DCGM exporter's metric name, without {@code _total}
   * @param key the field's key in AIPerf's files
   * @param display AIPerf's display name
   * @param unit its unit tag
   * @param scale the factor from DCGM's unit to this one
   * @param counter whether it is counted over the window (its increase) rather than sampled
   */
  public record Field(String dcgm, String key, String display, String unit, double scale,
      boolean counter) {}

  /** DCGM's framebuffer MiB to AIPerf's GB. */
  public static final double MIB_TO_GB = 1.048576e-3;

  /** Every field, in AIPerf's order, then aiperf-java's. */
  public static final List<Field> FIELDS = List.of(
      new Field("DCGM_FI_DEV_POWER_USAGE", "nvidia_power_usage", "NVIDIA GPU Power Usage", "W",
          1, false),
      new Field("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "nvidia_energy_consumption",
          "NVIDIA Energy Consumption", "MJ", 1e-9, true),
      new Field("DCGM_FI_DEV_GPU_UTIL", "nvidia_gpu_utilization", "NVIDIA GPU Utilization", "%",
          1, false),
      new Field("DCGM_FI_DEV_MEM_COPY_UTIL", "nvidia_memory_utilization",
          "NVIDIA Memory Utilization", "%", 1, false),
      new Field("DCGM_FI_DEV_FB_USED", "nvidia_memory_used", "NVIDIA GPU Memory Used", "GB",
          MIB_TO_GB, false),
      new Field("DCGM_FI_DEV_GPU_TEMP", "nvidia_temperature", "NVIDIA GPU Temperature", "°C", 1,
          false),
      new Field("DCGM_FI_PROF_SM_ACTIVE", "nvidia_sm_utilization", "NVIDIA SM Utilization", "%",
          100, false),
      new Field("DCGM_FI_DEV_DEC_UTIL", "nvidia_decoder_utilization",
          "NVIDIA Decoder Utilization", "%", 1, false),
      new Field("DCGM_FI_DEV_ENC_UTIL", "nvidia_encoder_utilization",
          "NVIDIA Encoder Utilization", "%", 1, false),
      new Field("DCGM_FI_DEV_XID_ERRORS", "nvidia_xid_errors", "NVIDIA XID Errors", "count", 1,
          true),
      new Field("DCGM_FI_DEV_POWER_VIOLATION", "nvidia_power_violation",
          "NVIDIA Power Violation", "us", 1e-3, true),
      new Field("DCGM_FI_DEV_FB_TOTAL", "nvidia_memory_total", "NVIDIA GPU Memory Total", "GB",
          MIB_TO_GB, false),
      new Field("DCGM_FI_DEV_SM_CLOCK", "nvidia_sm_clock", "NVIDIA SM Clock", "MHz", 1, false),
      new Field("DCGM_FI_DEV_MEM_CLOCK", "nvidia_memory_clock", "NVIDIA Memory Clock", "MHz", 1,
          false));

  private GpuFields() {}

  /**
   * The field a DCGM metric feeds.
   *
   * @param dcgm the metric's name, with or without {@code _total}
   * @return the field, null when AIPerf keeps no field of it
   */
  public static @org.jspecify.annotations.Nullable Field byDcgm(String dcgm) {
    String name = dcgm.endsWith("_total") ? dcgm.substring(0, dcgm.length() - 6) : dcgm;
    for (Field f : FIELDS) {
      if (f.dcgm().equals(name)) {
        return f;
      }
    }
    return null;
  }
}
