-- wrk script: sends the requests listed in a file, one per line as
--   METHOD<TAB>PATH<TAB>COOKIE<TAB>BODY
-- Thread k takes lines k, k+T, k+2T… in turn (writes are never sent twice while lines last;
-- a thread that runs out starts its share again). Counts responses by class and prints
-- machine-readable lines for bench/load.py:
--   STATUS ok=N client=N server=N   LAT p50=µs p90=µs p99=µs   RPS n
--   wrk -t2 -c64 -d10s --latency -s requests.lua http://127.0.0.1:3300 -- FILE ORIGIN THREADS
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local file, origin, n = args[1], args[2], tonumber(args[3] or "1")
  lines = {}
  local k = 0
  for line in io.lines(file) do
    if k % n == tid then
      local method, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
      local headers = { Cookie = cookie, Origin = origin }
      if body ~= nil and body ~= "" then
        headers["Content-Type"] = "application/json"
      else
        body = nil
      end
      lines[#lines + 1] = wrk.format(method, path, headers, body)
    end
    k = k + 1
  end
  at = 0
  ok, client, server = 0, 0, 0
end

function request()
  at = at + 1
  if at > #lines then at = 1 end
  return lines[at]
end

function response(status, headers, body)
  if status < 300 then ok = ok + 1
  elseif status < 500 then client = client + 1
  else server = server + 1 end
end

function done(summary, latency, requests)
  local o, c, s = 0, 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok"); c = c + t:get("client"); s = s + t:get("server")
  end
  io.write(string.format("STATUS ok=%d client=%d server=%d\n", o, c, s))
  io.write(string.format("LAT p50=%d p90=%d p99=%d\n",
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
  io.write(string.format("RPS %.1f\n", summary.requests / (summary.duration / 1e6)))
  local e = summary.errors
  io.write(string.format("ERRORS connect=%d read=%d write=%d timeout=%d\n", e.connect, e.read, e.write, e.timeout))
end
