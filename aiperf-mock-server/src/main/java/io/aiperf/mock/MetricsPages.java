package io.aiperf.mock;

import java.util.Locale;

/**
 * The mock's Prometheus pages, rendered from {@link ServerLoad} when scraped: {@code /metrics}
 * with vLLM's metric names, HELP texts, labels and buckets, and {@code /dcgm/metrics} as NVIDIA's
 * DCGM exporter writes it for the fake GPUs.
 */
final class MetricsPages {

    /** The text exposition format's content type. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String MODEL = InferenceRequest.DEFAULT_MODEL;
    private static final String LABELS = "engine=\"0\",model_name=\"" + MODEL + "\"";

    private MetricsPages() {}

    /** vLLM's {@code /metrics} (V1 engine names), from the server's load now. */
    static String vllm(ServerLoad load, long itlNanos) {
        long now = MockClock.nanos();
        int[] wr = load.waitingAndRunning(now);
        double kv = load.kvTokens(now, itlNanos) / (double) ServerLoad.KV_CACHE_TOKENS;
        StringBuilder out = new StringBuilder(16 * 1024);
        gauge(out, "vllm:num_requests_running", "Number of requests in model execution batches.",
                wr[1]);
        gauge(out, "vllm:num_requests_waiting", "Number of requests waiting to be processed.",
                wr[0]);
        gauge(out, "vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", kv);
        counter(out, "vllm:num_preemptions", "Cumulative number of preemption from the engine.",
                0);
        counter(out, "vllm:prefix_cache_queries",
                "Prefix cache queries, in terms of number of queried tokens.",
                load.prefixQueries.sum());
        // The mock keeps no prefix cache: every query misses.
        counter(out, "vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached"
                + " tokens.", 0);
        counter(out, "vllm:prompt_tokens", "Number of prefill tokens processed.",
                load.promptTokens.sum());
        counter(out, "vllm:generation_tokens", "Number of generation tokens processed.",
                load.generationTokens.sum());
        head(out, "vllm:request_success_total", "Count of successfully processed requests.",
                "counter");
        for (String[] r : new String[][] {{"stop", Long.toString(load.finishedStop.sum())},
                {"length", Long.toString(load.finishedLength.sum())},
                {"abort", Long.toString(load.finishedAbort.sum())}}) {
            out.append("vllm:request_success_total{engine=\"0\",finished_reason=\"").append(r[0])
                    .append("\",model_name=\"").append(MODEL).append("\"} ")
                    .append(number(Double.parseDouble(r[1]))).append('\n');
        }
        histogram(out, "vllm:time_to_first_token_seconds",
                "Histogram of time to first token in seconds.", load.ttft);
        histogram(out, "vllm:inter_token_latency_seconds",
                "Histogram of inter-token latency in seconds.", load.itl);
        histogram(out, "vllm:e2e_request_latency_seconds",
                "Histogram of e2e request latency in seconds.", load.e2e);
        histogram(out, "vllm:request_queue_time_seconds",
                "Histogram of time spent in WAITING phase for request.", load.queue);
        histogram(out, "vllm:request_prefill_time_seconds",
                "Histogram of time spent in PREFILL phase for request.", load.prefill);
        histogram(out, "vllm:request_decode_time_seconds",
                "Histogram of time spent in DECODE phase for request.", load.decode);
        histogram(out, "vllm:request_prompt_tokens", "Number of prefill tokens processed.",
                load.promptLengths);
        histogram(out, "vllm:request_generation_tokens", "Number of generation tokens processed.",
                load.generationLengths);
        head(out, "vllm:cache_config_info", "Information of the LLMEngine CacheConfig", "gauge");
        out.append("vllm:cache_config_info{block_size=\"").append(ServerLoad.KV_BLOCK_SIZE)
                .append("\",engine=\"0\",num_gpu_blocks=\"")
                .append(ServerLoad.KV_CACHE_TOKENS / ServerLoad.KV_BLOCK_SIZE).append("\"} 1.0\n");
        return out.toString();
    }

    /** A DCGM exporter's page for the fake GPUs, from the server's load now. */
    static String dcgm(ServerLoad load, long itlNanos) {
        long now = MockClock.nanos();
        FakeGpus gpus = load.gpus;
        int n = gpus.count();
        double[][] state = new double[n][];
        for (int g = 0; g < n; g++) {
            state[g] = gpus.read(g, now);
        }
        double kv = load.kvTokens(now, itlNanos) / (double) ServerLoad.KV_CACHE_TOKENS;
        double kvMib = (FakeGpus.MEMORY_TOTAL_MIB - FakeGpus.WEIGHTS_MIB - 2048) * 0.9 / n;
        StringBuilder out = new StringBuilder(8 * 1024);
        dcgmField(out, gpus, "DCGM_FI_DEV_SM_CLOCK", "gauge", "SM clock frequency (in MHz).",
                g -> state[g][2] > 0 ? "1980" : "345");
        dcgmField(out, gpus, "DCGM_FI_DEV_MEM_CLOCK", "gauge", "Memory clock frequency (in MHz).",
                g -> "2619");
        dcgmField(out, gpus, "DCGM_FI_DEV_GPU_TEMP", "gauge", "GPU temperature (in C).",
                g -> Long.toString(Math.round(30 + state[g][0] * 0.05)));
        dcgmField(out, gpus, "DCGM_FI_DEV_POWER_USAGE", "gauge", "Power draw (in W).",
                g -> String.format(Locale.ROOT, "%.6f", state[g][0]));
        // The exporter writes the counter in whole millijoules since boot.
        dcgmField(out, gpus, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "counter",
                "Total energy consumption since boot (in mJ).",
                g -> Long.toString(bootMillijoules(g) + Math.round(state[g][1] * 1000)));
        dcgmField(out, gpus, "DCGM_FI_DEV_GPU_UTIL", "gauge", "GPU utilization (in %).",
                g -> Long.toString(Math.round(100 * state[g][2])));
        dcgmField(out, gpus, "DCGM_FI_DEV_MEM_COPY_UTIL", "gauge", "Memory utilization (in %).",
                g -> Long.toString(Math.round(60 * state[g][2])));
        dcgmField(out, gpus, "DCGM_FI_DEV_XID_ERRORS", "gauge",
                "Value of the last XID error encountered.", g -> "0");
        double used = FakeGpus.WEIGHTS_MIB / n + 2048 + kv * kvMib;
        dcgmField(out, gpus, "DCGM_FI_DEV_FB_FREE", "gauge", "Framebuffer memory free (in MiB).",
                g -> Long.toString(Math.round(FakeGpus.MEMORY_TOTAL_MIB - used)));
        dcgmField(out, gpus, "DCGM_FI_DEV_FB_USED", "gauge", "Framebuffer memory used (in MiB).",
                g -> Long.toString(Math.round(used)));
        dcgmField(out, gpus, "DCGM_FI_PROF_SM_ACTIVE", "gauge",
                "The ratio of cycles an SM has at least 1 warp assigned.",
                g -> String.format(Locale.ROOT, "%.6f", 0.95 * state[g][2]));
        return out.toString();
    }

    /** A plausible counter value at the mock's start, so the page looks like a GPU up for days. */
    private static long bootMillijoules(int gpu) {
        return 86_400_000_000L + gpu * 1_000_000_000L;
    }

    private interface PerGpu {
        String value(int gpu);
    }

    private static void dcgmField(StringBuilder out, FakeGpus gpus, String name, String type,
            String help, PerGpu value) {
        head(out, name, help, type);
        for (int g = 0; g < gpus.count(); g++) {
            out.append(name).append("{gpu=\"").append(g).append("\",UUID=\"").append(gpus.uuid(g))
                    .append("\",pci_bus_id=\"00000000:").append(String.format(Locale.ROOT, "%02X",
                            0x18 + 0x12 * g)).append(":00.0\",device=\"nvidia").append(g)
                    .append("\",modelName=\"aiperf mock GPU\",Hostname=\"mock\"} ")
                    .append(value.value(g)).append('\n');
        }
    }

    private static void head(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, double value) {
        head(out, name, help, "gauge");
        out.append(name).append('{').append(LABELS).append("} ").append(number(value)).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        head(out, name + "_total", help, "counter");
        out.append(name).append("_total{").append(LABELS).append("} ").append(number(value))
                .append('\n');
    }

    private static void histogram(StringBuilder out, String name, String help, MockHistogram h) {
        head(out, name, help, "histogram");
        h.render(out, name, LABELS);
    }

    /** A number as Python's prometheus_client writes it: {@code 12.0}, {@code 0.4375}. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return (long) v + ".0";
        }
        return Double.toString(v);
    }
}
