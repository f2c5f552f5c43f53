-- wrk script of bench/vs-wrk.sh: POSTs a chat-completions request shaped like aiperf's
-- (a model, one user message about as long as aiperf's default 550-token synthetic prompt)
-- and prints one machine-readable line at the end.
-- STREAM=1 in the environment asks for the streamed answer ("stream":true).
local stream = os.getenv("STREAM") == "1"
-- About 4,000 bytes, like aiperf's 550-token prompt (it sends about 4.3 KB per request).
local prompt = string.rep("lorem ipsum dolor sit amet ", 150)

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"static","messages":[{"role":"user","content":"' .. prompt .. '"}],'
    .. '"max_completion_tokens":200,"stream":' .. (stream and "true" or "false") .. '}'

-- No request()/response() functions: wrk then sends its pre-built request and skips Lua on
-- every response, its fastest path.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
      "WRK_RESULT requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
      summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout))
end
