package kafka

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Static membership (KIP-345). A dynamic group member that dies without
// leaving (kill -9, power loss) keeps its partitions until the group's
// session timeout (45 s by default) expires, so its restart waits that long
// before it reads anything. A static member is known by an instance id
// that outlives the process: the restart joins under the same id, replaces
// the dead member and gets its partitions back at once, without a
// rebalance.
//
// The default id is derived from the group, the warehouse file and the
// host, so the same ingester restarted on the same host gets the same id,
// while ingesters of different warehouses never share one. Two processes
// on the same warehouse (an active ingester and its standby) do share it,
// and that is safe: DuckDB admits one process per file, and pmx ingest
// kafka opens the warehouse, waiting for the lock, before it creates its
// Kafka client, so the standby only joins the group once the active
// process has exited or died; then it takes the dead member's place at
// once. Two Runs in one process could share a warehouse handle without
// that lock, so Run refuses a second concurrent member with the same id.

// NoInstanceID as Config.InstanceID makes the ingester a dynamic group
// member: it leaves the group when it stops, so its partitions move to the
// other members at once, but a restart after a crash waits for the session
// timeout.
const NoInstanceID = "none"

// DefaultInstanceID is the static membership id Run uses when
// Config.InstanceID is empty: "pmx-HOST-FILE-HASH", where HASH is the
// first 12 hex digits of SHA-256 over the group, the warehouse file's
// absolute path and the host name. It is deterministic, readable in the
// group's member list, and within Kafka's limits (at most 249 characters
// from [a-zA-Z0-9._-]).
func DefaultInstanceID(group, warehousePath, host string) string {
	sum := sha256.Sum256([]byte(group + "\x00" + warehousePath + "\x00" + host))
	return "pmx-" + idPart(host, 64) + "-" + idPart(filepath.Base(warehousePath), 64) + "-" + hex.EncodeToString(sum[:6])
}

// idPart keeps the characters Kafka allows in an instance id, replacing
// the others with '_', and at most n of them.
func idPart(s string, n int) string {
	b := []byte(s)
	if len(b) > n {
		b = b[:n]
	}
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			b[i] = '_'
		}
	}
	return string(b)
}

// instanceID resolves Config.InstanceID for a warehouse file: "" for
// dynamic membership. An in-memory warehouse (path "") is private to its
// process, so no lock keeps two processes with the same derived id apart:
// it stays dynamic unless given an id.
func instanceID(cfg Config, path string) (string, error) {
	switch cfg.InstanceID {
	case NoInstanceID:
		return "", nil
	case "":
		if path == "" {
			return "", nil
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return "", fmt.Errorf("kafka: instance id: %w", err)
		}
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			abs = real // one file, one id, however it is named
		}
		host, err := os.Hostname()
		if err != nil {
			return "", fmt.Errorf("kafka: instance id: host name: %w (set an instance id)", err)
		}
		return DefaultInstanceID(cfg.Group, abs, host), nil
	}
	return cfg.InstanceID, nil
}

// members are the static ids of the Runs active in this process, by group.
var members = struct {
	sync.Mutex
	active map[string]bool
}{active: map[string]bool{}}

// claimMember registers a static member for the life of a Run; the
// returned function releases it.
func claimMember(group, id string) (release func(), err error) {
	if id == "" {
		return func() {}, nil
	}
	k := group + "\x00" + id
	members.Lock()
	defer members.Unlock()
	if members.active[k] {
		return nil, fmt.Errorf("kafka: group %s: instance id %s is already used by another ingestion in this process "+
			"(give each concurrent Run its own Config.InstanceID, or NoInstanceID)", group, id)
	}
	members.active[k] = true
	return func() {
		members.Lock()
		delete(members.active, k)
		members.Unlock()
	}, nil
}

// validInstanceID checks an explicit id against Kafka's rules, which the
// broker would otherwise report only as a failed join.
func validInstanceID(id string) error {
	if id == "" || id == NoInstanceID {
		return nil
	}
	if len(id) > 249 || idPart(id, 249) != id || id == "." || id == ".." {
		return fmt.Errorf("kafka: instance id %q: want at most 249 characters from a-z, A-Z, 0-9, '.', '_' and '-'", id)
	}
	return nil
}
