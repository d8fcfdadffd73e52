package kafka

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// SASL_SSL with SCRAM-SHA-512, the setting the README recommends for
// production: a log replayed over it and ingested back over it is whole,
// and a wrong password, a CA that did not sign the broker's certificate and
// a plaintext client each end pmx ingest kafka and pmx replay within the
// fail-fast time, with one line naming the broker and the cause.
func itSASLSSL(t *testing.T, bin, bs string) {
	ss, ca := os.Getenv("PMX_KAFKA_SASL_SSL"), os.Getenv("PMX_KAFKA_CA")
	user, pass := os.Getenv("PMX_KAFKA_SASL_USER"), os.Getenv("PMX_KAFKA_SASL_PASSWORD")
	if ss == "" || ca == "" || user == "" || pass == "" {
		t.Skip("PMX_KAFKA_SASL_SSL, PMX_KAFKA_CA, PMX_KAFKA_SASL_USER and PMX_KAFKA_SASL_PASSWORD are not all set (.ci/kafka-it sets them)")
	}
	it := newIT(t, bin, bs) // the topic is created over the plaintext listener
	dir := t.TempDir()
	var rows strings.Builder
	rows.WriteString("case,activity,timestamp,resource\n")
	for i := range 2000 {
		ts := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute).Format(time.RFC3339)
		fmt.Fprintf(&rows, "case-%03d,%s,%s,r%d\n", i%400, itActs[(i/400+i%3)%len(itActs)], ts, i%5)
	}
	logFile := filepath.Join(dir, "log.csv")
	if err := os.WriteFile(logFile, []byte(rows.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(password string, args ...string) (stdout, stderr string, code int, took time.Duration) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "PMX_SASL_PASSWORD="+password)
		var o, e strings.Builder
		cmd.Stdout, cmd.Stderr = &o, &e
		start := time.Now()
		err := cmd.Run()
		took = time.Since(start)
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("pmx %v: %v", args, err)
		}
		return o.String(), e.String(), code, took
	}
	secure := []string{"--brokers", ss, "--tls-ca", ca, "--sasl", "SCRAM-SHA-512", "--sasl-user", user}
	var s struct{ Events int64 }
	out, errOut, code, _ := run(pass, append([]string{"replay", logFile, "--topic", it.topic, "--progress", "0", "--json"}, secure...)...)
	if code != 0 || json.Unmarshal([]byte(out), &s) != nil || s.Events != 2000 {
		t.Fatalf("replay over SASL_SSL: code %d, out %q, err %q", code, out, errOut)
	}
	db := filepath.Join(dir, "w.duckdb")
	out, errOut, code, took := run(pass, append([]string{"ingest", "kafka", "--db", db, "--topic", it.topic, "--group", it.group,
		"--log", "live", "--until-caught-up", "--progress", "0", "--json"}, secure...)...)
	if code != 0 || json.Unmarshal([]byte(out), &s) != nil || s.Events != 2000 {
		t.Fatalf("ingest over SASL_SSL: code %d, out %q, err %q", code, out, errOut)
	}
	t.Logf("2,000 events replayed and ingested back over SASL_SSL (SCRAM-SHA-512); the ingest took %.2fs", took.Seconds())
	live, file := it.pmxJSON("stats", "--json", "--db", db, "--log", "live"), it.pmxJSON("stats", "--json", logFile)
	if !reflect.DeepEqual(live, file) {
		t.Fatalf("pmx stats: the log ingested over SASL_SSL differs from the file:\nlive %v\nfile %v", live, file)
	}

	otherCA := itOtherCA(t, dir)
	for _, c := range []struct {
		name, password string
		args           []string
		want           string
	}{
		{"wrong password", "not-" + pass, secure, "SASL SCRAM-SHA-512 authentication failed"},
		{"untrusted certificate", pass, []string{"--brokers", ss, "--tls-ca", otherCA, "--sasl", "SCRAM-SHA-512", "--sasl-user", user},
			"TLS: the broker's certificate is not signed by a trusted CA"},
		{"plaintext client", pass, []string{"--brokers", ss, "--sasl", "SCRAM-SHA-512", "--sasl-user", user}, "is this a plaintext connection"},
	} {
		for _, cmd := range [][]string{
			{"ingest", "kafka", "--db", filepath.Join(dir, "fail.duckdb"), "--topic", it.topic, "--group", it.group + "-fail"},
			{"replay", logFile, "--topic", it.topic},
		} {
			_, errOut, code, took := run(c.password, append(append(cmd, "--progress", "0"), c.args...)...)
			if code != 1 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "broker "+ss+": ") ||
				!strings.Contains(errOut, c.want) || took > failFast {
				t.Errorf("%s, pmx %s: code %d after %v, stderr %q; want one line naming broker %s and %q within %v",
					c.name, cmd[0], code, took, errOut, ss, c.want, failFast)
				continue
			}
			t.Logf("%s, pmx %s: failed after %.2fs: %s", c.name, cmd[0], took.Seconds(), strings.TrimSpace(errOut))
		}
	}
}

// itOtherCA writes a CA certificate that signed nothing the broker has.
func itOtherCA(t *testing.T, dir string) string {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "not the broker's CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "other-ca.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
