package kafka

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// TestIntegrationRealBroker runs the pmx binary against a real broker
// (PMX_KAFKA_BOOTSTRAP, started by .ci/kafka-it) and kills it with SIGKILL
// mid-stream: the only crash a test can make that no Go code sees coming.
// The SASL_SSL subtest needs the broker's SASL_SSL listener
// (PMX_KAFKA_SASL_SSL, PMX_KAFKA_CA, PMX_KAFKA_SASL_USER,
// PMX_KAFKA_SASL_PASSWORD, also set by .ci/kafka-it).
func TestIntegrationRealBroker(t *testing.T) {
	bs := os.Getenv("PMX_KAFKA_BOOTSTRAP")
	if bs == "" {
		t.Skip("PMX_KAFKA_BOOTSTRAP is not set: these tests need a real Kafka broker (run .ci/kafka-it, or .ci/kafka/start and set it)")
	}
	bin := itBinary(t)
	t.Run("KillAndRestart", func(t *testing.T) { itKillAndRestart(t, bin, bs) })
	t.Run("Failover", func(t *testing.T) { itFailover(t, bin, bs) })
	t.Run("Rebalance", func(t *testing.T) { itRebalance(t, bin, bs) })
	t.Run("SASL_SSL", func(t *testing.T) { itSASLSSL(t, bin, bs) })
}

// itResumeLimit is how soon a restarted (or standby) ingester must store
// its first event: the killed member's session (45 s by default) must not
// be waited out.
const itResumeLimit = 5 * time.Second

// itBinary builds cmd/pmx once (or takes PMX_BIN).
func itBinary(t *testing.T) string {
	if bin := os.Getenv("PMX_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(t.TempDir(), "pmx")
	cmd := exec.Command("go", "build", "-tags", "duckdb_arrow", "-o", bin, "./cmd/pmx")
	cmd.Dir = "../.." // the module root, from ingest/kafka
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags duckdb_arrow ./cmd/pmx: %v\n%s", err, out)
	}
	return bin
}

// Four runs over one warehouse in one consumer group, the first three
// killed mid-stream while the producer is still writing; every crash point
// is checked to hold exactly the messages before the stored offsets, and
// the end to hold them all. Each restart is the same static member (the
// default instance id), so it resumes at once instead of after the killed
// member's session timeout (the default 45 s here): the time from the
// restart to its first stored event is printed and must stay under
// itResumeLimit.
func itKillAndRestart(t *testing.T, bin, bs string) {
	it := newIT(t, bin, bs)
	db := filepath.Join(t.TempDir(), "w.duckdb")
	it.prod.start(20_000, 250, 100*time.Millisecond)
	p := it.ingest(db)
	var last int
	var resumed []string
	for round := 1; round <= 3; round++ {
		p.until("2000 events stored", 60*time.Second, func() bool { return p.events >= 2000 })
		p.kill()
		stored := it.checkCrashPoint(db)
		t.Logf("kill %d: %d events stored", round, stored)
		if stored <= last || stored >= 20_000 {
			t.Fatalf("after kill %d: %d events stored (before: %d); want progress but not all of 20,000", round, stored, last)
		}
		last = stored
		restarted := time.Now()
		p = it.ingest(db)
		p.until("a first event stored after the restart", 60*time.Second, func() bool { return p.events >= 1 })
		d := time.Since(restarted)
		resumed = append(resumed, fmt.Sprintf("%.2fs", d.Seconds()))
		if d > itResumeLimit {
			t.Errorf("restart %d stored its first event after %v, want under %v (waiting out the killed member's session?)", round, d, itResumeLimit)
		}
	}
	t.Logf("restart after kill -9 → first new event stored: %s (limit %v, session timeout 45 s)", strings.Join(resumed, ", "), itResumeLimit)
	it.prod.wait()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.wait(60 * time.Second); err != nil {
		t.Fatalf("graceful stop: %v\n%s", err, p.output())
	}
	it.finish(db)
	it.checkAll(db)
}

// One warehouse, two processes: the second stands by on the warehouse lock;
// SIGKILL the first mid-stream, and the second takes over and reads on
// until it is stopped. Both derive the same static instance id;
// that is safe because the standby joins the group only once it holds the
// lock: while it stands by, the group's one member is the active process.
// On the kill it takes the dead member's place at once, without waiting
// for its session (45 s) to expire.
func itFailover(t *testing.T, bin, bs string) {
	it := newIT(t, bin, bs)
	db := filepath.Join(t.TempDir(), "w.duckdb")
	it.prod.start(10_000, 250, 50*time.Millisecond)
	a := it.ingest(db)
	a.until("1000 events stored", 60*time.Second, func() bool { return a.events >= 1000 })
	b := it.ingest(db)
	b.until("standing by", 30*time.Second, func() bool { return strings.Contains(strings.Join(b.lines, "\n"), "standing by") })
	a.until("3000 events stored", 60*time.Second, func() bool { return a.events >= 3000 })
	it.checkOneMember(db)
	killed := time.Now()
	a.kill()
	b.until("the standby's first event stored", 60*time.Second, func() bool { return b.events >= 1 })
	d := time.Since(killed)
	t.Logf("kill -9 of the active ingester → first event stored by the standby: %.2fs (limit %v, session timeout 45 s)", d.Seconds(), itResumeLimit)
	if d > itResumeLimit {
		t.Errorf("the standby stored its first event %v after the kill, want under %v", d, itResumeLimit)
	}
	it.prod.wait()
	if err := b.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := b.wait(60 * time.Second); err != nil {
		t.Fatalf("graceful stop of the standby: %v\n%s", err, b.output())
	}
	it.finish(db)
	it.checkAll(db)
}

// checkOneMember checks that the group has exactly one member, with the
// instance id pmx derives for db on this host.
func (it *itEnv) checkOneMember(db string) {
	t := it.t
	t.Helper()
	real, err := filepath.EvalSymlinks(db)
	if err != nil {
		t.Fatal(err)
	}
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultInstanceID(it.group, real, host)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	groups, err := kadm.NewClient(it.prod.cl).DescribeGroups(ctx, it.group)
	if err == nil {
		err = groups.Error()
	}
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range groups[it.group].Members {
		id := "(dynamic)"
		if m.InstanceID != nil {
			id = *m.InstanceID
		}
		ids = append(ids, id)
	}
	if len(ids) != 1 || ids[0] != want {
		t.Fatalf("group %s members %v while the standby waits for the warehouse, want only %s", it.group, ids, want)
	}
}

// Two processes in one group, each with its own warehouse (DuckDB lets one
// process write a file), share the four partitions; SIGKILL one mid-stream.
// The survivor takes the dead member's partitions after the session timeout
// and, its warehouse never having stored them, reads them from the start:
// its warehouse ends with every message exactly once.
func itRebalance(t *testing.T, bin, bs string) {
	it := newIT(t, bin, bs)
	dbA, dbB := filepath.Join(t.TempDir(), "a.duckdb"), filepath.Join(t.TempDir(), "b.duckdb")
	// Different warehouses, different instance ids: the survivor gets the
	// dead member's partitions once its session expires (6 s here).
	a, b := it.ingest(dbA, "--session-timeout", "6s"), it.ingest(dbB, "--session-timeout", "6s")
	a.until("2 partitions", 60*time.Second, func() bool { return a.partitions == 2 })
	b.until("2 partitions", 60*time.Second, func() bool { return b.partitions == 2 })
	it.prod.start(10_000, 250, 50*time.Millisecond)
	a.until("1500 events stored", 60*time.Second, func() bool { return a.events >= 1500 })
	a.kill()
	it.prod.wait()
	b.until("4 partitions", 150*time.Second, func() bool { return b.partitions == 4 })
	b.until("lag 0", 60*time.Second, func() bool { return b.lag == 0 })
	if err := b.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := b.wait(60 * time.Second); err != nil {
		t.Fatalf("graceful stop: %v\n%s", err, b.output())
	}
	it.finish(dbB)
	it.checkAll(dbB)
	w, err := warehouse.Open(context.Background(), dbA)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	t.Logf("the killed member had stored %d events in its own warehouse", len(itQuery(t, w, `SELECT 1 FROM events`)))
}

type itEnv struct {
	t            *testing.T
	bin, bs      string
	topic, group string
	prod         *itProducer
}

func newIT(t *testing.T, bin, bs string) *itEnv {
	id := strconv.FormatInt(time.Now().UnixNano(), 36)
	it := &itEnv{t: t, bin: bin, bs: bs, topic: "pmx-it-" + id, group: "pmx-it-" + id}
	cl, err := kgo.NewClient(kgo.SeedBrokers(bs), kgo.DefaultProduceTopic(it.topic))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := kadm.NewClient(cl).CreateTopics(ctx, 4, 1, nil, it.topic)
	if err == nil {
		err = res.Error()
	}
	if err != nil {
		t.Fatalf("create topic %s: %v", it.topic, err)
	}
	it.prod = &itProducer{t: t, cl: cl, at: map[int]itPos{}, bad: map[itPos]string{}}
	return it
}

// ingest starts `pmx ingest kafka` on db; it is SIGKILLed at the end of
// the test if still running.
func (it *itEnv) ingest(db string, extra ...string) *itProc {
	args := append([]string{"ingest", "kafka", "--db", db, "--brokers", it.bs, "--topic", it.topic, "--group", it.group,
		"--log", "live", "--flush-rows", "500", "--flush-interval", "100ms", "--progress", "50ms"}, extra...)
	p := &itProc{t: it.t, cmd: exec.Command(it.bin, args...), done: make(chan struct{})}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		it.t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		it.t.Fatal(err)
	}
	go p.read(stderr)
	it.t.Cleanup(func() { p.kill() })
	return p
}

// finish runs a last --until-caught-up ingestion to the end of the topic.
func (it *itEnv) finish(db string) {
	p := it.ingest(db, "--until-caught-up")
	if err := p.wait(120 * time.Second); err != nil {
		it.t.Fatalf("--until-caught-up: %v\n%s", err, p.output())
	}
}

// itProc is a running pmx ingest with the figures of its progress lines.
type itProc struct {
	t    *testing.T
	cmd  *exec.Cmd
	done chan struct{}
	err  error

	mu                      sync.Mutex
	lines                   []string
	events, lag, partitions int64
}

// itProgress reads pmx ingest's live line: "... N events, ... lag L (t/0=a t/1=b ...)".
var itProgress = regexp.MustCompile(`pmx ingest: ([\d,]+) events, .* lag ([\d,]+)(?: \(([^)]*)\))?`)

func (p *itProc) read(r interface{ Read([]byte) (int, error) }) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		p.mu.Lock()
		p.lines = append(p.lines, line)
		if m := itProgress.FindStringSubmatch(line); m != nil {
			num := func(s string) int64 { n, _ := strconv.ParseInt(strings.ReplaceAll(s, ",", ""), 10, 64); return n }
			p.events, p.lag, p.partitions = num(m[1]), num(m[2]), int64(strings.Count(m[3], "="))
		}
		p.mu.Unlock()
	}
	p.err = p.cmd.Wait()
	close(p.done)
}

func (p *itProc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.lines) > 30 {
		return strings.Join(p.lines[len(p.lines)-30:], "\n")
	}
	return strings.Join(p.lines, "\n")
}

// until waits for cond (called with p.mu held) to hold.
func (p *itProc) until(what string, limit time.Duration, cond func() bool) {
	p.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		p.mu.Lock()
		ok := cond()
		p.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-p.done:
			p.t.Fatalf("pmx ingest exited (%v) before %s:\n%s", p.err, what, p.output())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no %s after %v:\n%s", what, limit, p.output())
		}
	}
}

func (p *itProc) wait(limit time.Duration) error {
	select {
	case <-p.done:
		return p.err
	case <-time.After(limit):
		return fmt.Errorf("still running after %v", limit)
	}
}

// kill sends SIGKILL and waits for the process to be gone, so its
// warehouse lock is free.
func (p *itProc) kill() {
	p.cmd.Process.Kill() // an error only says it has exited already
	<-p.done
}

type itPos struct {
	partition int32
	offset    int64
}

// itProducer writes good events (uid 0..n-1 over 1,000 cases, whole
// seconds apart) and, after every 100th, a malformed message of one of
// three kinds; it remembers where each landed.
type itProducer struct {
	t  *testing.T
	cl *kgo.Client

	mu   sync.Mutex // held while a batch is in flight: checks see whole batches
	at   map[int]itPos
	bad  map[itPos]string // → a word the dead letter's reason must contain
	csv  []string         // the good events as CSV rows, by uid
	n    int
	done chan struct{}
	err  error
}

var itActs = []string{"register", "check", "review", "approve", "notify", "archive", "escalate"}

func (p *itProducer) start(n, batch int, pause time.Duration) {
	p.n, p.done = n, make(chan struct{})
	go func() {
		defer close(p.done)
		for from := 0; from < n; from += batch {
			if p.err = p.batch(from, min(batch, n-from)); p.err != nil {
				return
			}
			time.Sleep(pause)
		}
	}()
}

func (p *itProducer) wait() {
	<-p.done
	if p.err != nil {
		p.t.Fatalf("produce: %v", p.err)
	}
}

func (p *itProducer) batch(from, n int) error {
	var recs []*kgo.Record
	var uids []int
	var why []string
	for i := from; i < from+n; i++ {
		c, step := fmt.Sprintf("case-%04d", i%1000), i/1000
		act, res := itActs[step*(1+i%3)%len(itActs)], fmt.Sprintf("r%d", (i%1000+step)%7)
		ts := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second).Format(time.RFC3339)
		v := fmt.Sprintf(`{"case:concept:name":%q,"concept:name":%q,"time:timestamp":%q,"org:resource":%q,"uid":%d}`, c, act, ts, res, i)
		recs, uids, why = append(recs, &kgo.Record{Key: []byte(c), Value: []byte(v)}), append(uids, i), append(why, "")
		p.csv = append(p.csv, strings.Join([]string{c, act, ts, res}, ","))
		if i%100 == 50 { // a malformed message and a word its dead letter's reason must have
			m := [...][2]string{
				{`{"case:concept:name":"` + c + `","concept:name":"cut off`, "JSON"},
				{`{"concept:name":"no case","time:timestamp":"` + ts + `"}`, "case"},
				{`{"case:concept:name":"` + c + `","concept:name":"x","time:timestamp":"yesterday"}`, "timestamp"},
			}[i/100%3]
			recs, uids, why = append(recs, &kgo.Record{Key: []byte(c), Value: []byte(m[0])}), append(uids, -1), append(why, m[1])
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		return err
	}
	for j, r := range recs { // ProduceSync sets each record's partition and offset
		if uids[j] >= 0 {
			p.at[uids[j]] = itPos{r.Partition, r.Offset}
		} else {
			p.bad[itPos{r.Partition, r.Offset}] = why[j]
		}
	}
	return nil
}

// checkCrashPoint checks that db holds exactly the good messages before
// its stored offsets, each once, and a dead letter for exactly each
// malformed one before them; it returns the number of events.
func (it *itEnv) checkCrashPoint(db string) int {
	t, ctx := it.t, context.Background()
	t.Helper()
	it.prod.mu.Lock()
	defer it.prod.mu.Unlock()
	w, err := warehouse.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	next := map[int32]int64{}
	rows := itQuery(t, w, `SELECT partition, next_offset FROM ingest_offsets WHERE topic = ?
		AND log_id = (SELECT log_id FROM logs WHERE name = 'live')`, it.topic)
	for _, r := range rows {
		next[r[0].(int32)] = r[1].(int64)
	}
	got := map[int]bool{}
	for _, r := range itQuery(t, w, `SELECT json_extract(attrs, '$.uid')::BIGINT FROM events
		WHERE log_id = (SELECT log_id FROM logs WHERE name = 'live')`) {
		uid := int(r[0].(int64))
		if got[uid] {
			t.Fatalf("event uid %d stored twice", uid)
		}
		got[uid] = true
	}
	for uid, at := range it.prod.at {
		if want := at.offset < next[at.partition]; want != got[uid] {
			t.Fatalf("uid %d at %d/%d: stored %v, but the stored next offset is %d", uid, at.partition, at.offset, got[uid], next[at.partition])
		}
	}
	dead := 0
	for _, r := range itQuery(t, w, `SELECT topic, partition, "offset", reason FROM dead_letters WHERE log_name = 'live'`) {
		pos := itPos{r[1].(int32), r[2].(int64)}
		word, ok := it.prod.bad[pos]
		if r[0] != it.topic || !ok || !strings.Contains(r[3].(string), word) || pos.offset >= next[pos.partition] {
			t.Fatalf("dead letter %v: want one of the malformed messages before the stored offsets, reason with %q", r, word)
		}
		dead++
	}
	want := 0
	for pos := range it.prod.bad {
		if pos.offset < next[pos.partition] {
			want++
		}
	}
	if dead != want {
		t.Fatalf("%d dead letters, want %d (one per malformed message before the stored offsets)", dead, want)
	}
	return len(got)
}

func itQuery(t *testing.T, w *warehouse.Warehouse, q string, args ...any) [][]any {
	t.Helper()
	rows, err := w.DB().Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]any
	for rows.Next() {
		r := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range r {
			ptrs[i] = &r[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkAll checks that db holds every message exactly once and that
// stats, variants and dfg of the log equal those of the good events
// imported from a file.
func (it *itEnv) checkAll(db string) {
	t := it.t
	t.Helper()
	if n := it.checkCrashPoint(db); n != it.prod.n {
		t.Fatalf("%d events stored, want all %d", n, it.prod.n)
	}
	csvPath := filepath.Join(t.TempDir(), "good.csv")
	if err := os.WriteFile(csvPath, []byte("case,activity,timestamp,resource\n"+strings.Join(it.prod.csv, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range [][]string{{"stats"}, {"variants", "--top", "0"}, {"dfg"}} {
		live := it.pmxJSON(append(cmd, "--json", "--db", db, "--log", "live")...)
		file := it.pmxJSON(append(cmd, "--json", csvPath)...)
		if !reflect.DeepEqual(live, file) {
			t.Fatalf("pmx %s: the ingested log differs from the file:\nlive %v\nfile %v", cmd[0], live, file)
		}
	}
}

// pmxJSON runs the binary and decodes its JSON, without the log name.
func (it *itEnv) pmxJSON(args ...string) any {
	out, err := exec.Command(it.bin, args...).Output()
	if err != nil {
		it.t.Fatalf("pmx %v: %v", args, err)
	}
	var v any
	if err := json.Unmarshal(out, &v); err != nil {
		it.t.Fatalf("pmx %v: %v\n%s", args, err, out)
	}
	if m, ok := v.(map[string]any); ok {
		delete(m, "log")
	}
	return v
}
