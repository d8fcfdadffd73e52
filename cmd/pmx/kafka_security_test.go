package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// testPKI is a throwaway CA with a server certificate for 127.0.0.1 and
// localhost, a client certificate, and a second CA that signed neither;
// the client-side files are PEM, as pmx's flags take them.
type testPKI struct {
	pool                               *x509.CertPool
	server                             tls.Certificate
	ca, otherCA, clientCert, clientKey string
}

func newTestPKI(t *testing.T) *testPKI {
	t.Helper()
	dir := t.TempDir()
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	serial := int64(0)
	issue := func(tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		serial++
		tmpl.SerialNumber = big.NewInt(serial)
		tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour)
		if parent == nil {
			parent, parentKey = tmpl, key
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
		if err != nil {
			t.Fatal(err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return cert, key
	}
	newCA := func(name string) (*x509.Certificate, *ecdsa.PrivateKey) {
		return issue(&x509.Certificate{Subject: pkix.Name{CommonName: name}, IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}, nil, nil)
	}
	ca, caKey := newCA("pmx test CA")
	other, _ := newCA("some other CA")
	srv, srvKey := issue(&x509.Certificate{Subject: pkix.Name{CommonName: "broker"}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}, ca, caKey)
	cli, cliKey := issue(&x509.Certificate{Subject: pkix.Name{CommonName: "pmx"}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, ca, caKey)
	keyDER, err := x509.MarshalPKCS8PrivateKey(cliKey)
	if err != nil {
		t.Fatal(err)
	}
	p := &testPKI{pool: x509.NewCertPool(), server: tls.Certificate{Certificate: [][]byte{srv.Raw}, PrivateKey: srvKey},
		ca: write("ca.pem", "CERTIFICATE", ca.Raw), otherCA: write("other-ca.pem", "CERTIFICATE", other.Raw),
		clientCert: write("client.pem", "CERTIFICATE", cli.Raw), clientKey: write("client.key", "PRIVATE KEY", keyDER)}
	p.pool.AddCert(ca)
	return p
}

// kafkaSecurity is one broker set-up: kfake options and the pmx flags
// that connect to it.
type kafkaSecurity struct {
	name   string
	broker func(*testPKI) []kfake.Opt
	flags  func(*testPKI) []string
}

const testSASLEnv = "PMX_TEST_SASL_PASSWORD"

func tlsListener(auth tls.ClientAuthType) func(*testPKI) []kfake.Opt {
	return func(p *testPKI) []kfake.Opt {
		return []kfake.Opt{kfake.TLS(&tls.Config{Certificates: []tls.Certificate{p.server}, ClientCAs: p.pool, ClientAuth: auth})}
	}
}

func saslListener(mech string, tlsToo bool) func(*testPKI) []kfake.Opt {
	return func(p *testPKI) []kfake.Opt {
		opts := []kfake.Opt{kfake.EnableSASL(), kfake.Superuser(mech, "pmx", "s3cret")}
		if tlsToo {
			opts = append(opts, tlsListener(tls.NoClientCert)(p)...)
		}
		return opts
	}
}

func saslFlags(mech string, tlsToo bool) func(*testPKI) []string {
	return func(p *testPKI) []string {
		f := []string{"--sasl", mech, "--sasl-user", "pmx", "--sasl-password-env", testSASLEnv}
		if tlsToo {
			f = append(f, "--tls-ca", p.ca)
		}
		return f
	}
}

var kafkaSecurities = []kafkaSecurity{
	{"TLS", tlsListener(tls.NoClientCert), func(p *testPKI) []string { return []string{"--tls-ca", p.ca} }},
	{"mutual TLS", tlsListener(tls.RequireAndVerifyClientCert),
		func(p *testPKI) []string {
			return []string{"--tls-ca", p.ca, "--tls-cert", p.clientCert, "--tls-key", p.clientKey}
		}},
	{"SASL PLAIN", saslListener("PLAIN", false), saslFlags("PLAIN", false)},
	{"SASL SCRAM-SHA-256", saslListener("SCRAM-SHA-256", false), saslFlags("SCRAM-SHA-256", false)},
	{"SASL SCRAM-SHA-512", saslListener("SCRAM-SHA-512", false), saslFlags("SCRAM-SHA-512", false)},
	{"SASL_SSL SCRAM-SHA-512", saslListener("SCRAM-SHA-512", true), saslFlags("SCRAM-SHA-512", true)},
}

func securedCluster(t *testing.T, p *testPKI, opts []kfake.Opt) string {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1), kfake.SeedTopics(2, "events")}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()[0]
}

// Every connection-security setting of pmx replay and pmx ingest kafka,
// end to end: a log replayed onto the topic comes back whole.
func TestKafkaSecuritySettings(t *testing.T) {
	p := newTestPKI(t)
	t.Setenv(testSASLEnv, "s3cret")
	var rows strings.Builder
	rows.WriteString("case,activity,timestamp\n")
	for i := range 40 {
		fmt.Fprintf(&rows, "c%d,step %d,2024-05-01T08:%02d:00Z\n", i/4, i%4, i)
	}
	logFile := filepath.Join(t.TempDir(), "log.csv")
	if err := os.WriteFile(logFile, []byte(rows.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, sec := range kafkaSecurities {
		t.Run(sec.name, func(t *testing.T) {
			broker := securedCluster(t, p, sec.broker(p))
			args := append([]string{"replay", logFile, "--brokers", broker, "--topic", "events", "--progress", "0", "--json"}, sec.flags(p)...)
			out, errOut, code := pmx(t, args...)
			var r struct{ Events int64 }
			if code != 0 || json.Unmarshal([]byte(out), &r) != nil || r.Events != 40 {
				t.Fatalf("replay: code %d, out %q, err %q", code, out, errOut)
			}
			args = append([]string{"ingest", "kafka", "--db", filepath.Join(t.TempDir(), "w.duckdb"), "--brokers", broker,
				"--topic", "events", "--group", "g", "--until-caught-up", "--progress", "0", "--json"}, sec.flags(p)...)
			out, errOut, code = pmx(t, args...)
			var s struct{ Events, DeadLetters int64 }
			if code != 0 || json.Unmarshal([]byte(out), &s) != nil || s.Events != 40 || s.DeadLetters != 0 {
				t.Fatalf("ingest: code %d, out %q, err %q", code, out, errOut)
			}
		})
	}
}

// A wrong password, an untrusted certificate, a missing client
// certificate, or plaintext (or no SASL) against a listener that wants
// them: one line naming the broker and the cause, within the fail-fast
// time (15 s; the bound here is loose, the real broker's is in
// .ci/kafka-it), never a bare "EOF" or timeout.
func TestKafkaSecurityFailuresSayWhy(t *testing.T) {
	p := newTestPKI(t)
	t.Setenv(testSASLEnv, "wrong")
	sasl512 := kafkaSecurities[5]
	for _, c := range []struct {
		name   string
		cmd    string
		broker func(*testPKI) []kfake.Opt
		flags  []string
		want   string
	}{
		{"wrong SCRAM password", "ingest", sasl512.broker, sasl512.flags(p), "SASL SCRAM-SHA-512 authentication failed"},
		{"wrong SCRAM password", "replay", sasl512.broker, sasl512.flags(p), "SASL SCRAM-SHA-512 authentication failed"},
		{"wrong PLAIN password", "ingest", saslListener("PLAIN", false), saslFlags("PLAIN", false)(p), "SASL PLAIN authentication failed"},
		{"untrusted certificate", "ingest", tlsListener(tls.NoClientCert), []string{"--tls-ca", p.otherCA},
			"TLS: the broker's certificate is not signed by a trusted CA"},
		{"untrusted certificate", "replay", tlsListener(tls.NoClientCert), []string{"--tls-ca", p.otherCA},
			"TLS: the broker's certificate is not signed by a trusted CA"},
		{"no client certificate", "ingest", tlsListener(tls.RequireAndVerifyClientCert), []string{"--tls-ca", p.ca},
			"TLS: the broker requires a client certificate"},
		{"plaintext against TLS", "ingest", tlsListener(tls.NoClientCert), nil, "is TLS missing?"},
		{"plaintext against TLS", "replay", tlsListener(tls.NoClientCert), nil, "is TLS missing?"},
		{"no SASL against SASL", "ingest", saslListener("SCRAM-SHA-256", false), nil, "is SASL missing?"},
	} {
		t.Run(c.name+"/"+c.cmd, func(t *testing.T) {
			broker := securedCluster(t, p, c.broker(p))
			args := []string{"replay", tinyLogCSV(t), "--brokers", broker, "--topic", "events", "--progress", "0"}
			if c.cmd == "ingest" {
				args = []string{"ingest", "kafka", "--db", filepath.Join(t.TempDir(), "w.duckdb"), "--brokers", broker,
					"--topic", "events", "--group", "g", "--progress", "0"}
			}
			start := time.Now()
			_, errOut, code := pmx(t, append(args, c.flags...)...)
			took := time.Since(start)
			if code != 1 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "broker "+broker+": ") ||
				!strings.Contains(errOut, c.want) || took > 30*time.Second {
				t.Fatalf("code %d after %v, stderr %q; want one line with %q and %q", code, took, errOut, "broker "+broker, c.want)
			}
			t.Logf("%v: %s", took.Round(time.Millisecond), strings.TrimSpace(errOut))
		})
	}
}

// tinyLogCSV is a three-event log to replay.
func tinyLogCSV(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "log.csv")
	if err := os.WriteFile(p, []byte("case,activity,timestamp\nc1,A,2024-05-01T08:00:00Z\nc1,B,2024-05-01T09:00:00Z\nc2,A,2024-05-01T10:00:00Z\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
