-- wrk script: each connection's requests walk a list of paths (one per line, in the file named
-- by the PATHS environment variable), each thread from its own place, so a URL rarely repeats.
local paths = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter)
end

function init(args)
  for line in io.lines(os.getenv("PATHS")) do
    paths[#paths + 1] = line
  end
  -- Threads start far apart in the list.
  index = (offset - 1) * math.floor(#paths / 8)
end

function request()
  index = index % #paths + 1
  return wrk.format(nil, paths[index])
end
