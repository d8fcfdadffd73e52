# Sourced by start, stop, create-topic and kafka-class: shared settings and helpers.
# shellcheck disable=SC2034 # variables used by the scripts that source this
# Not meant to be run by itself.

KAFKA_CI_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LIBS="$KAFKA_CI_DIR/libs"

PMX_KAFKA_PORT=${PMX_KAFKA_PORT:-19092}
PMX_KAFKA_CONTROLLER_PORT=${PMX_KAFKA_CONTROLLER_PORT:-$((PMX_KAFKA_PORT + 1))}
PMX_KAFKA_SASL_SSL_PORT=${PMX_KAFKA_SASL_SSL_PORT:-$((PMX_KAFKA_PORT + 2))}
PMX_KAFKA_DIR=${PMX_KAFKA_DIR:-/tmp/pmx-kafka}
BOOTSTRAP="127.0.0.1:$PMX_KAFKA_PORT"

# The SASL_SSL listener (SCRAM-SHA-512 over TLS, what the README recommends
# for production): its CA certificate (PEM) and its one SCRAM user. The
# certificates are made by ./start for each broker; the password guards a
# loopback test broker and nothing else.
SASL_SSL_BOOTSTRAP="127.0.0.1:$PMX_KAFKA_SASL_SSL_PORT"
TLS_DIR="$PMX_KAFKA_DIR/tls"
CA_PEM="$TLS_DIR/ca.pem"
SCRAM_USER=pmx
SCRAM_PASSWORD=pmx-ci-secret

CONFIG="$PMX_KAFKA_DIR/server.properties"
LOG4J_CONFIG="$PMX_KAFKA_DIR/log4j.properties"
TOOLS_LOG4J_CONFIG="$PMX_KAFKA_DIR/tools-log4j.properties"
DATA_DIR="$PMX_KAFKA_DIR/data"
LOG_FILE="$PMX_KAFKA_DIR/kafka.log"
PID_FILE="$PMX_KAFKA_DIR/kafka.pid"

# The jars are stamped with the pom's checksum, so a version bump in pom.xml
# refetches them.
pom_stamp() { sha256sum "$KAFKA_CI_DIR/pom.xml" | cut -d' ' -f1; }

ensure_libs() {
	local want
	want=$(pom_stamp)
	if [ -f "$LIBS/.pom-sha256" ] && [ "$(cat "$LIBS/.pom-sha256")" = "$want" ]; then
		return 0
	fi
	command -v mvn >/dev/null || { echo "kafka: mvn not found (apt-get install -y maven)" >&2; return 1; }
	echo "kafka: fetching Kafka jars with Maven into $LIBS ..." >&2
	rm -rf "$LIBS"
	local out
	if ! out=$(cd "$KAFKA_CI_DIR" && mvn -q -B -Dstyle.color=never \
		dependency:copy-dependencies -DoutputDirectory=libs -DincludeScope=runtime 2>&1); then
		echo "$out" >&2
		echo "kafka: mvn dependency:copy-dependencies failed" >&2
		rm -rf "$LIBS"
		return 1
	fi
	rm -rf "$KAFKA_CI_DIR/target"
	echo "$want" >"$LIBS/.pom-sha256"
}

# Tool JVMs: short-lived, so small heap and quick-starting JIT.
TOOL_JAVA_OPTS=(-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true)

write_tools_log4j() {
	mkdir -p "$PMX_KAFKA_DIR"
	[ -f "$TOOLS_LOG4J_CONFIG" ] && return 0
	cat >"$TOOLS_LOG4J_CONFIG" <<'PROPS'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.appender.stderr.Target=System.err
PROPS
}

# kafka_class CLASS ARGS...: runs a Kafka main class on the fetched jars.
kafka_class() {
	ensure_libs || return 1
	write_tools_log4j
	java "${TOOL_JAVA_OPTS[@]}" -Dlog4j.configuration="file:$TOOLS_LOG4J_CONFIG" \
		-cp "$LIBS/*" "$@"
}

# running_pid: prints the broker's pid and succeeds if the pid file names a
# live broker started with our config (guards against a reused pid).
running_pid() {
	[ -f "$PID_FILE" ] || return 1
	local pid
	pid=$(cat "$PID_FILE")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "kafka.Kafka $CONFIG" || return 1
	echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
