"""A Prometheus endpoint for AIPerf to scrape: DCGM GPU metrics and vLLM-like server metrics that
change over time (a stand-in for a GPU server, used once to make test data)."""
import http.server, sys, time, math, threading
start = time.time()
lock = threading.Lock()
state = {"prompt": 0.0, "hist_sum": 0.0, "hist_count": 0.0, "b1": 0.0, "b2": 0.0}
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        t = time.time() - start
        with lock:
            # Counters grow with time, not with scrapes: a rate of 1000 + 500 sin(t) tokens/s,
            # 12 requests/s observed into the histogram.
            dt = t - state.get("t", 0.0); state["t"] = t
            state["prompt"] += (1000 + 500 * math.sin(t)) * dt
            lat = 0.2 + 0.1 * math.sin(t / 2); n = 12 * dt
            state["hist_sum"] += lat * n; state["hist_count"] += n
            state["b1"] += n if lat < 0.25 else 0; state["b2"] += n
            s = dict(state)
        lines = []
        lines.append("# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).")
        lines.append("# TYPE DCGM_FI_DEV_GPU_UTIL gauge")
        for g in range(2):
            lines.append('DCGM_FI_DEV_GPU_UTIL{gpu="%d",UUID="GPU-0000%d",device="nvidia%d",modelName="Fake GPU",Hostname="node1"} %d' % (g, g, g, 50 + 40 * math.sin(t + g)))
        lines.append("# HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).")
        lines.append("# TYPE DCGM_FI_DEV_POWER_USAGE gauge")
        for g in range(2):
            lines.append('DCGM_FI_DEV_POWER_USAGE{gpu="%d",UUID="GPU-0000%d",device="nvidia%d",modelName="Fake GPU",Hostname="node1"} %.1f' % (g, g, g, 300 + 100 * math.sin(t / 3 + g)))
        lines.append("# HELP DCGM_FI_DEV_GPU_TEMP GPU temperature (in C).")
        lines.append("# TYPE DCGM_FI_DEV_GPU_TEMP gauge")
        for g in range(2):
            lines.append('DCGM_FI_DEV_GPU_TEMP{gpu="%d",UUID="GPU-0000%d",device="nvidia%d",modelName="Fake GPU",Hostname="node1"} %d' % (g, g, g, 60 + int(t) % 10))
        lines.append("# HELP vllm:num_requests_running Number of requests running.")
        lines.append("# TYPE vllm:num_requests_running gauge")
        lines.append('vllm:num_requests_running{model_name="mock-model"} %d' % (4 + 3 * math.sin(t)))
        lines.append("# HELP vllm:prompt_tokens_total Prompt tokens processed.")
        lines.append("# TYPE vllm:prompt_tokens_total counter")
        lines.append('vllm:prompt_tokens_total{model_name="mock-model"} %.1f' % s["prompt"])
        lines.append("# HELP vllm:e2e_request_latency_seconds End to end latency.")
        lines.append("# TYPE vllm:e2e_request_latency_seconds histogram")
        lines.append('vllm:e2e_request_latency_seconds_bucket{model_name="mock-model",le="0.25"} %.3f' % s["b1"])
        lines.append('vllm:e2e_request_latency_seconds_bucket{model_name="mock-model",le="+Inf"} %.3f' % s["b2"])
        lines.append('vllm:e2e_request_latency_seconds_sum{model_name="mock-model"} %.3f' % s["hist_sum"])
        lines.append('vllm:e2e_request_latency_seconds_count{model_name="mock-model"} %.3f' % s["hist_count"])
        body = ("\n".join(lines) + "\n").encode()
        self.send_response(200); self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
