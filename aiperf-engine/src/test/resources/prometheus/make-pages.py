# Builds real-world-shaped pages with prometheus_client (the library vLLM and SGLang use),
# with the metric names, HELP texts, label sets and buckets those servers document.
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info
from prometheus_client.exposition import generate_latest
import random, sys
random.seed(7)
def vllm():
    r = CollectorRegistry()
    L = ["model_name", "engine"]
    lv = dict(model_name="meta-llama/Llama-3.1-8B-Instruct", engine="0")
    Gauge("vllm:num_requests_running", "Number of requests in model execution batches.", L, registry=r).labels(**lv).set(12)
    Gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", L, registry=r).labels(**lv).set(3)
    Gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", L, registry=r).labels(**lv).set(0.4375)
    Counter("vllm:num_preemptions", "Cumulative number of preemption from the engine.", L, registry=r).labels(**lv).inc(2)
    Counter("vllm:prefix_cache_queries", "Prefix cache queries, in terms of number of queried tokens.", L, registry=r).labels(**lv).inc(262144)
    Counter("vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached tokens.", L, registry=r).labels(**lv).inc(131072)
    Counter("vllm:prompt_tokens", "Number of prefill tokens processed.", L, registry=r).labels(**lv).inc(262144)
    Counter("vllm:generation_tokens", "Number of generation tokens processed.", L, registry=r).labels(**lv).inc(65536)
    c = Counter("vllm:request_success", "Count of successfully processed requests.", L + ["finished_reason"], registry=r)
    for reason, n in (("stop", 100), ("length", 412), ("abort", 0)):
        c.labels(finished_reason=reason, **lv).inc(n)
    h = Histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", L, registry=r,
        buckets=[0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0])
    for _ in range(512): h.labels(**lv).observe(random.uniform(0.02, 0.3))
    h = Histogram("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", L, registry=r,
        buckets=[0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0])
    for _ in range(2000): h.labels(**lv).observe(random.uniform(0.008, 0.04))
    h = Histogram("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", L, registry=r,
        buckets=[0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0])
    for _ in range(512): h.labels(**lv).observe(random.uniform(1, 6))
    h = Histogram("vllm:request_prompt_tokens", "Number of prefill tokens processed.", L, registry=r,
        buckets=[1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000])
    for _ in range(512): h.labels(**lv).observe(512)
    h = Histogram("vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.", L, registry=r,
        buckets=[0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0])
    h.labels(**lv).observe(0.01)
    g = Gauge("vllm:cache_config_info", "Information of the LLMEngine CacheConfig", ["block_size", "cache_dtype", "enable_prefix_caching", "engine", "gpu_memory_utilization", "num_gpu_blocks"], registry=r)
    g.labels(block_size="16", cache_dtype="auto", enable_prefix_caching="True", engine="0", gpu_memory_utilization="0.9", num_gpu_blocks="27152").set(1)
    return generate_latest(r).decode()
def sglang():
    r = CollectorRegistry()
    L = ["model_name"]
    lv = dict(model_name="Qwen/Qwen2.5-7B-Instruct")
    Gauge("sglang:num_running_reqs", "The number of running requests.", L, registry=r).labels(**lv).set(8)
    Gauge("sglang:num_used_tokens", "The number of used tokens.", L, registry=r).labels(**lv).set(4096)
    Gauge("sglang:token_usage", "The token usage.", L, registry=r).labels(**lv).set(0.0625)
    Gauge("sglang:gen_throughput", "The generation throughput (token/s).", L, registry=r).labels(**lv).set(812.5)
    Gauge("sglang:num_queue_reqs", "The number of requests in the waiting queue.", L, registry=r).labels(**lv).set(1)
    Gauge("sglang:cache_hit_rate", "The prefix cache hit rate.", L, registry=r).labels(**lv).set(0.25)
    Counter("sglang:prompt_tokens", "Number of prefill tokens processed.", L, registry=r).labels(**lv).inc(123456)
    Counter("sglang:generation_tokens", "Number of generation tokens processed.", L, registry=r).labels(**lv).inc(65432)
    Counter("sglang:num_requests", "Number of requests processed.", L, registry=r).labels(**lv).inc(321)
    h = Histogram("sglang:time_to_first_token_seconds", "Histogram of time to first token in seconds.", L, registry=r,
        buckets=[0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400])
    for _ in range(321): h.labels(**lv).observe(random.uniform(0.05, 0.9))
    h = Histogram("sglang:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", L, registry=r,
        buckets=[0.002, 0.004, 0.006, 0.008, 0.010, 0.015, 0.020, 0.025, 0.030, 0.035, 0.040, 0.060, 0.080, 0.100, 0.200, 0.400, 0.600, 0.800, 1.000, 2.000, 4.000, 6.000, 8.000])
    for _ in range(3000): h.labels(**lv).observe(random.uniform(0.004, 0.03))
    h = Histogram("sglang:e2e_request_latency_seconds", "Histogram of End-to-end request latency in seconds", L, registry=r,
        buckets=[0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400, 800])
    for _ in range(321): h.labels(**lv).observe(random.uniform(0.5, 12))
    return generate_latest(r).decode()
sys.stdout.write({"vllm": vllm, "sglang": sglang}[sys.argv[1]]())
