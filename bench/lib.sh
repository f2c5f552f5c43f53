# Shared by the bench scripts (source it after defining say and die).

# bench_cli_jar ROOT [MVN_FLAGS...]: prints the path of the CLI's fat jar, building it first
# (mvn package, tests skipped) when it is missing or older than a source file or pom.
bench_cli_jar() {
  local root="$1"
  shift
  local jar
  jar="$(ls "$root"/aiperf-cli/target/aiperf-cli-*-all.jar 2>/dev/null | head -n 1 || true)"
  if [ -z "$jar" ] || [ -n "$(find "$root" -path '*/target' -prune -o \( -path '*/src/main/*' \
      -o -name pom.xml \) -newer "$jar" -print -quit 2>/dev/null)" ]; then
    say "building the CLI (mvn package, tests skipped)..."
    (cd "$root" && mvn "${@:--B}" -q package -pl aiperf-cli -am -DskipTests \
      -Dmaven.javadoc.skip=true -Dmaven.source.skip=true) >&2
    jar="$(ls "$root"/aiperf-cli/target/aiperf-cli-*-all.jar | head -n 1)"
  fi
  echo "$jar"
}

# bench_await_url PID OUT ERR: prints the first http URL that process PID wrote to OUT, waiting
# up to 30 s; dies with ERR's text if the process ends first.
bench_await_url() {
  local url=""
  for _ in $(seq 1 150); do
    url="$(grep -o 'http://[0-9.]*:[0-9]*' "$2" 2>/dev/null | head -n 1 || true)"
    [ -n "$url" ] && break
    kill -0 "$1" 2>/dev/null || die "the server did not start: $(cat "$3")"
    sleep 0.2
  done
  [ -n "$url" ] || die "the server printed no address within 30 s"
  echo "$url"
}
